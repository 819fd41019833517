import CKernels

/// Per column, the Gram matrix Σ_q g_q g_qᵀ of the full grid rows (g_q[r] = E[q·m + r][c]),
/// accumulated in one pass; its top eigenvector is the best fast factor a (Eckart–Young).
///
/// Small m adds outer products directly, vectorised across columns; larger m gathers each column's
/// grid rows into a matrix and lets BLAS `dsyrk` do the GEMM-shaped update.
final class GridGram {
  /// Up to this width the direct kernel beats gathering for BLAS.
  static let directMaxColumns = 16
  /// The most Double a worker gathers for BLAS at once (8 MB).
  static let gatherDoubles = 1 << 20

  let grid: MixedRadixGrid
  let dim: Int
  private let direct: Bool
  /// Direct: `[r][r'][c]`. BLAS: `[c][r][r']`. Upper triangle (r ≤ r') only.
  private let sums: DoubleBuffer

  init(grid: MixedRadixGrid, dim: Int) {
    self.grid = grid
    self.dim = dim
    direct = grid.columns <= Self.directMaxColumns
    sums = DoubleBuffer(count: grid.columns * grid.columns * dim)
  }

  /// The bytes the Gram matrices take.
  static func bytes(side: Int, dim: Int) -> Int { side * side * dim * MemoryLayout<Double>.stride }

  /// Adds the block's full grid rows.
  func add(_ block: RowBlock, workers: ColumnWorkers) {
    let m = grid.columns, dim = self.dim
    let firstRow = block.firstRow / m
    let endRow = min(grid.fullRows, (block.firstRow + block.rowCount) / m)
    guard endRow > firstRow else { return }
    let shared = UncheckedSendable((block, sums.pointer))
    let direct = self.direct
    workers.run { columns in
      let (block, sums) = shared.value
      let width = columns.count, low = columns.lowerBound
      let start = block.values.baseAddress! + (firstRow * m - block.firstRow) * dim
      if direct {
        // Each grid row's outer products, added lane by lane (CKernels: AVX2 + FMA where available).
        ck_gram_rows(start + low, dim, endRow - firstRow, m, width, sums + low, dim)
      } else {
        // Gather 16 columns at a time (one cache line of Float per row), a few MB of grid rows at
        // once, then one dsyrk per column.
        // The chunk must not depend on the worker's width: it sets where dsyrk splits the sums.
        let chunkRows = max(1, Self.gatherDoubles / (16 * m))
        let group = min(16, width)
        let gathered = UnsafeMutablePointer<Double>.allocate(capacity: group * min(chunkRows, endRow - firstRow) * m)
        defer { gathered.deallocate() }
        var chunkStart = 0
        while chunkStart < endRow - firstRow {
          let gridRows = min(chunkRows, endRow - firstRow - chunkStart)
          let cellCount = gridRows * m
          let chunk = start + chunkStart * m * dim
          var groupStart = low
          while groupStart < columns.upperBound {
            let groupWidth = min(group, columns.upperBound - groupStart)
            for i in 0..<cellCount {
              let source = chunk + i * dim + groupStart
              for g in 0..<groupWidth { gathered[g * cellCount + i] = Double(source[g]) }
            }
            for g in 0..<groupWidth {
              SymmetricRankUpdate.addColumnGram(
                of: gathered + g * cellCount, rows: gridRows, columns: m, into: sums + (groupStart + g) * m * m)
            }
            groupStart += groupWidth
          }
          chunkStart += gridRows
        }
      }
    }
  }

  /// Writes each column's top eigenvector (unit norm) into `fast` (`m × dim`); a column whose
  /// solve fails gets the all-ones vector, which ALS then improves.
  func topEigenvectors(into fast: DoubleBuffer, workers: ColumnWorkers) {
    let m = grid.columns, dim = self.dim, direct = self.direct
    let shared = UncheckedSendable((sums.pointer, fast.pointer))
    workers.run { columns in
      let (sums, fast) = shared.value
      let solver = TopEigenpair(order: m)
      let matrix = UnsafeMutablePointer<Double>.allocate(capacity: m * m + m)
      defer { matrix.deallocate() }
      let vector = matrix + m * m
      for c in columns {
        for r in 0..<m {
          for r2 in r..<m {
            matrix[r * m + r2] = direct ? sums[(r * m + r2) * dim + c] : sums[c * m * m + r * m + r2]
          }
        }
        let found = solver.solve(matrix: matrix, vector: vector) != nil
        for r in 0..<m { fast[r * dim + c] = found ? vector[r] : 1 }
      }
    }
  }
}
