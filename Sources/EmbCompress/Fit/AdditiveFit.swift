/// add: least squares Σᵢ‖Eᵢ − Σⱼ Wⱼ[pⱼ(i)]‖² by backfitting, from the bucket sums of one pass.
///
/// Backfitting sets each table in turn to the bucket means of what the other tables leave:
/// Wⱼ[b] = (Sⱼ[b] − Σ_{l≠j} X_{j←l}[b]) / nⱼ[b], with Sⱼ the bucket sums and X from `CrossSums`.
/// Each update is an exact block minimisation, lowering the error by exactly Σ_b nⱼ[b]‖ΔWⱼ[b]‖²,
/// so the error is tracked without touching the table. On a full grid the first sweep lands on
/// row means + column means − grand mean, and the second confirms it.
///
/// Gauge: constants can move between tables without changing any row. After the sweeps every
/// table but the first is shifted to zero mean per column, weighted by bucket counts (so it adds
/// nothing on average over the ids), and the first table absorbs the shifts. Buckets no id uses are 0.
enum AdditiveFit {
  static func fit(
    _ source: any TableSource, layout: CompositionalLayout, options: FitOptions, workers: ColumnWorkers,
    progress: (@Sendable (FitProgress) -> Void)?
  ) throws -> FitOutcome {
    // The bucket sums are freed when `fitInDouble` returns, before the Float tables are made, so
    // those reuse their memory instead of faulting in more (as large as the output, for qr).
    var (tables, outcome) = try fitInDouble(source, layout: layout, options: options, workers: workers, progress: progress)
    outcome.weights = tables.map(\.floats)
    tables.removeAll()
    return outcome
  }

  private static func fitInDouble(
    _ source: any TableSource, layout: CompositionalLayout, options: FitOptions, workers: ColumnWorkers,
    progress: (@Sendable (FitProgress) -> Void)?
  ) throws -> ([DoubleBuffer], FitOutcome) {
    let (rows, dim, partitions) = (layout.rows, layout.dim, layout.partitions)
    let k = partitions.count
    let sums = BucketSums(
      partitions: partitions, columnRanges: Array(repeating: 0..<dim, count: k), dim: dim)
    let passes = RowPasses(
      source: source, unitRows: 1, keepInMemory: false, maxBlockBytes: options.maxBlockBytes,
      readAhead: options.threads > 1, progress: progress)
    try passes.run(phase: "bucket sums") { sums.add($0, workers: workers) }

    let total = (0..<dim).reduce(0.0) { $0 + sums.squares[$1] }
    let counts = partitions.map { BucketSums.counts(of: $0, rows: rows) }
    let cross = CrossSums(layout: layout, memoryBudget: options.memoryBudget)
    let tables = partitions.map { DoubleBuffer(count: $0.modulus * dim, threads: options.threads) }
    // On a two-partition grid the cross sums are one or two vectors per table, so no per-bucket
    // scratch is needed (it would be as large as the quotient table).
    let grid = k == 2 ? MixedRadixGrid(layout) : nil
    let scratch = grid != nil ? [] : partitions.map { DoubleBuffer(count: $0.modulus * dim, threads: options.threads) }
    let decrease = DoubleBuffer(count: dim)
    let rule = ConvergenceRule(tolerance: options.tolerance, totalSquares: total)

    let shared = UncheckedSendable((tables, scratch, sums.sums, counts, cross, decrease))
    var error = total
    var iterations = 0
    var converged = false
    while iterations < options.maxIterations {
      // A sweep of crt add walks every id (a quarter of a second on 125,000 × 128): a stop
      // request or the plan's time limit must not wait for all of them.
      try Cancellation.check()
      decrease.zero()
      workers.run { columns in
        let (tables, scratch, sums, counts, cross, decrease) = shared.value
        if let grid {
          for j in 0..<2 {
            let table = tables[j].pointer, sum = sums[j].pointer
            GridCross(grid: grid, dim: dim, columns: columns, other: tables[1 - j].pointer, of: j)
              .forEachBucket(partitions[j].modulus) { b, x in
                let n = counts[j][b]
                guard n > 0 else { return }
                let low = columns.lowerBound
                if let x {
                  for c in columns {
                    let updated = (sum[b * dim + c] - x[c - low]) / n
                    let step = updated - table[b * dim + c]
                    decrease[c] += n * step * step
                    table[b * dim + c] = updated
                  }
                } else {
                  for c in columns {
                    let updated = (sum[b * dim + c] - 0) / n
                    let step = updated - table[b * dim + c]
                    decrease[c] += n * step * step
                    table[b * dim + c] = updated
                  }
                }
              }
          }
          return
        }
        for j in 0..<k {
          let residual = scratch[j].pointer
          let modulus = partitions[j].modulus
          for b in 0..<modulus {
            for c in columns { residual[b * dim + c] = sums[j].pointer[b * dim + c] }
          }
          for l in 0..<k where l != j {
            cross.accumulate(into: residual, bucketsOf: j, from: l, table: tables[l].pointer, columns: columns, scale: -1)
          }
          let table = tables[j].pointer
          for b in 0..<modulus where counts[j][b] > 0 {
            let n = counts[j][b]
            for c in columns {
              let updated = residual[b * dim + c] / n
              let step = updated - table[b * dim + c]
              decrease[c] += n * step * step
              table[b * dim + c] = updated
            }
          }
        }
      }
      iterations += 1
      let previous = error
      error -= (0..<dim).reduce(0.0) { $0 + decrease[$1] }
      if rule.isConverged(previous: previous, current: error) {
        converged = true
        break
      }
    }

    fixGauge(tables, counts: counts, partitions: partitions, rows: rows, dim: dim)
    let squaredError = exactError(
      tables, sums: sums, counts: counts, cross: cross, scratch: scratch, grid: grid, partitions: partitions,
      dim: dim, workers: workers)
    return (
      tables,
      FitOutcome(
        weights: [], sourcePasses: passes.sourcePasses, iterations: iterations, converged: converged,
        method: .backfitting, squaredError: squaredError, totalSquares: total)
    )
  }

  /// Shifts tables 1… to count-weighted zero mean per column; table 0 takes the shifts.
  private static func fixGauge(
    _ tables: [DoubleBuffer], counts: [[Double]], partitions: [Partition], rows: Int, dim: Int
  ) {
    var shift = [Double](repeating: 0, count: dim)
    for j in 1..<partitions.count {
      var mean = [Double](repeating: 0, count: dim)
      for b in 0..<partitions[j].modulus where counts[j][b] > 0 {
        for c in 0..<dim { mean[c] += counts[j][b] * tables[j][b * dim + c] }
      }
      for c in 0..<dim { mean[c] /= Double(rows) }
      for b in 0..<partitions[j].modulus where counts[j][b] > 0 {
        for c in 0..<dim { tables[j][b * dim + c] -= mean[c] }
      }
      for c in 0..<dim { shift[c] += mean[c] }
    }
    for b in 0..<partitions[0].modulus where counts[0][b] > 0 {
      for c in 0..<dim { tables[0][b * dim + c] += shift[c] }
    }
  }

  /// Σᵢ‖Eᵢ − Êᵢ‖² = Σ‖E‖² − 2 Σⱼ Sⱼ·Wⱼ + Σⱼ Σ_b nⱼ[b]‖Wⱼ[b]‖² + Σ_{j≠l} Wⱼ·X_{j←l}.
  private static func exactError(
    _ tables: [DoubleBuffer], sums: BucketSums, counts: [[Double]], cross: CrossSums, scratch: [DoubleBuffer],
    grid: MixedRadixGrid?, partitions: [Partition], dim: Int, workers: ColumnWorkers
  ) -> Double {
    let k = partitions.count
    let perColumn = DoubleBuffer(count: dim)
    let shared = UncheckedSendable((tables, sums.sums, sums.squares, counts, cross, scratch, perColumn))
    workers.run { columns in
      let (tables, sums, squares, counts, cross, scratch, perColumn) = shared.value
      for c in columns { perColumn[c] = squares[c] }
      if let grid {
        for j in 0..<2 {
          let table = tables[j].pointer, sum = sums[j].pointer
          GridCross(grid: grid, dim: dim, columns: columns, other: tables[1 - j].pointer, of: j)
            .forEachBucket(partitions[j].modulus) { b, x in
              let n = counts[j][b]
              let low = columns.lowerBound
              if let x {
                for c in columns {
                  let w = table[b * dim + c]
                  perColumn[c] += w * (n * w + x[c - low] - 2 * sum[b * dim + c])
                }
              } else {
                for c in columns {
                  let w = table[b * dim + c]
                  perColumn[c] += w * (n * w + 0 - 2 * sum[b * dim + c])
                }
              }
            }
        }
        return
      }
      for j in 0..<k {
        let x = scratch[j].pointer
        let table = tables[j].pointer
        let modulus = partitions[j].modulus
        for b in 0..<modulus {
          for c in columns { x[b * dim + c] = 0 }
        }
        for l in 0..<k where l != j {
          cross.accumulate(into: x, bucketsOf: j, from: l, table: tables[l].pointer, columns: columns, scale: 1)
        }
        for b in 0..<modulus {
          let n = counts[j][b]
          for c in columns {
            let w = table[b * dim + c]
            perColumn[c] += w * (n * w + x[b * dim + c] - 2 * sums[j].pointer[b * dim + c])
          }
        }
      }
    }
    return max(0, (0..<dim).reduce(0.0) { $0 + perColumn[$1] })
  }
}

/// X_{j←l} on a two-partition grid, for one range of columns, as `CrossSums` computes it (the same
/// sums in the same order, so the fit is the same to the bit): the slow table's rows all get the
/// sum of the fast table's rows but the last, which gets the sum of its first `lastRowLength`; the
/// fast table's rows get the sum of the slow table's full rows, plus the last row where it reaches.
private struct GridCross {
  let grid: MixedRadixGrid
  let dim: Int
  let columns: Range<Int>
  let other: UnsafeMutablePointer<Double>
  let j: Int

  init(grid: MixedRadixGrid, dim: Int, columns: Range<Int>, other: UnsafeMutablePointer<Double>, of j: Int) {
    self.grid = grid
    self.dim = dim
    self.columns = columns
    self.other = other
    self.j = j
  }

  /// Calls `body(b, x)` for every bucket b < modulus of partition j; x is the cross sum of b for
  /// these columns (indexed from 0), or nil where the other table contributes nothing.
  func forEachBucket(_ modulus: Int, _ body: (Int, UnsafePointer<Double>?) -> Void) {
    let width = columns.count, low = columns.lowerBound
    let buffers = UnsafeMutablePointer<Double>.allocate(capacity: 2 * width)
    defer { buffers.deallocate() }
    buffers.initialize(repeating: 0, count: 2 * width)
    let last = grid.gridRows - 1
    if j == grid.slowIndex {
      let (whole, part) = (buffers, buffers + width)
      for r in 0..<grid.columns {
        let w = other + r * dim + low
        for c in 0..<width { whole[c] += w[c] }
        if r == grid.lastRowLength - 1 { part.update(from: whole, count: width) }
      }
      for q in 0..<modulus {
        body(q, q < last ? UnsafePointer(whole) : q == last ? UnsafePointer(part) : nil)
      }
    } else {
      let (upper, sum) = (buffers, buffers + width)
      for q in 0..<last {
        let w = other + q * dim + low
        for c in 0..<width { upper[c] += w[c] }
      }
      let lastRow = other + last * dim + low
      for r in 0..<modulus {
        if r < grid.lastRowLength {
          for c in 0..<width { sum[c] = upper[c] + lastRow[c] }
          body(r, UnsafePointer(sum))
        } else {
          body(r, r < grid.columns ? UnsafePointer(upper) : nil)
        }
      }
    }
  }
}
