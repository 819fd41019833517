import Foundation

/// The sum of R mult terms on a two-partition grid (qr; gqr with two moduli), unweighted: per
/// column c, the truncated rank-R SVD of the grid G_c[q][r] = E[q·m + r][c] (docs/fits.md,
/// "R terms on a grid").
///
/// By Eckart–Young this is the optimum when the grid is full, with squared error
/// ‖G_c‖² − Σ_{r<R} σ_r². Term r holds the r-th singular pair: the fast factor its unit singular
/// vector, the slow one σ_r times the other, rescaled afterwards by `MultiplicativeGauge`. The
/// Gram matrix of the grid's smaller side (`dsyrk`) gives the singular vectors by `dsyevr`, and the
/// other side follows from G. On a partial grid the missing cells count as 0: a start for ALS.
enum GridTruncatedSVD {
  /// Writes the terms into `tables` (R terms, all zero beforehand) and returns, per column, the
  /// squared error on the full grid (meaningless for a partial one).
  static func fit(
    target: UnsafeBufferPointer<Float>, rows: Int, width: Int, grid: MixedRadixGrid, tables: TermTables,
    workers: ColumnWorkers
  ) -> [Double] {
    let (m, q) = (grid.columns, grid.gridRows)
    let terms = tables.layouts.count
    let rank = min(terms, m, q)
    let errors = DoubleBuffer(count: width)
    let shared = UncheckedSendable((target, errors, tables))
    workers.run { range in
      let (target, errors, tables) = shared.value
      var g = [Double](repeating: 0, count: q * m)
      let fastSide = m <= q
      let order = fastSide ? m : q
      for c in range {
        var total = 0.0
        for id in 0..<rows {
          let value = Double(target[id * width + c])
          g[id] = value
          total += value * value
        }
        var gram = [Double](repeating: 0, count: order * order)
        g.withUnsafeBufferPointer { g in
          gram.withUnsafeMutableBufferPointer { gram in
            if fastSide {
              SymmetricRankUpdate.addColumnGram(of: g.baseAddress!, rows: q, columns: m, into: gram.baseAddress!)
            } else {
              SymmetricRankUpdate.addRowGram(of: g.baseAddress!, rows: q, columns: m, into: gram.baseAddress!)
            }
          }
        }
        var kept = 0.0
        if let (values, vectors) = SymmetricEigenvectors.largest(rank, of: gram, order: order) {
          for r in 0..<rank where values[r] > 0 {
            kept += values[r]
            let fast = tables.buffers[r][grid.fastIndex].pointer
            let slow = tables.buffers[r][grid.slowIndex].pointer
            if fastSide {
              // a = unit eigenvector of GᵀG, b = G·a.
              for a in 0..<m { fast[a * width + c] = vectors[a * rank + r] }
              for row in 0..<q {
                var sum = 0.0
                for a in 0..<m { sum += g[row * m + a] * vectors[a * rank + r] }
                slow[row * width + c] = sum
              }
            } else {
              // b = unit eigenvector of GGᵀ, a = Gᵀ·b.
              for row in 0..<q { slow[row * width + c] = vectors[row * rank + r] }
              for a in 0..<m {
                var sum = 0.0
                for row in 0..<q { sum += g[row * m + a] * vectors[row * rank + r] }
                fast[a * width + c] = sum
              }
            }
          }
        }
        // Cells past the last id stay 0 for every column.
        errors[c] = max(0, total - kept)
      }
    }
    return (0..<width).map { errors[$0] }
  }
}
