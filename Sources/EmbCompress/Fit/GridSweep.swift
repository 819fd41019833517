/// One ALS sweep of the rank-1 grid fit, in a single pass over whole grid rows.
///
/// Per column c the grid is G[q][r] = E[q·m + r][c] and the fit is b[q]·a[r]. For each grid row,
/// b[q] = Σ_r G[q][r]·a[r] / Σ_r a[r]² over the row's cells (the last row may be partial); the same
/// pass then accumulates a's update Σ_q b[q]·G[q][r] / Σ_q b[q]² over the cells present. With
/// `slowFixed` the pass keeps b as it is and only accumulates a (the slow-side Gram route).
final class GridSweep {
  let grid: MixedRadixGrid
  let dim: Int
  /// The fast factor, `m × dim`.
  let fast: DoubleBuffer
  /// The slow factor, `slowModulus × dim` (rows past the grid stay 0).
  let slow: DoubleBuffer
  private let numerator: DoubleBuffer
  private let fullRowWeight: DoubleBuffer
  private let lastRowWeight: DoubleBuffer
  private let squares: DoubleBuffer
  private let fastNormFull: DoubleBuffer
  private let fastNormLast: DoubleBuffer

  init(grid: MixedRadixGrid, dim: Int) {
    self.grid = grid
    self.dim = dim
    fast = DoubleBuffer(count: grid.columns * dim)
    slow = DoubleBuffer(count: grid.slowModulus * dim)
    numerator = DoubleBuffer(count: grid.columns * dim)
    fullRowWeight = DoubleBuffer(count: dim)
    lastRowWeight = DoubleBuffer(count: dim)
    squares = DoubleBuffer(count: dim)
    fastNormFull = DoubleBuffer(count: dim)
    fastNormLast = DoubleBuffer(count: dim)
  }

  /// Σᵢ‖Eᵢ‖², as the last pass measured it.
  var totalSquares: Double { (0..<dim).reduce(0.0) { $0 + squares[$1] } }

  /// Clears the sums and takes a's squared norms over a full and over the partial row.
  func begin() {
    for buffer in [numerator, fullRowWeight, lastRowWeight, squares, fastNormFull, fastNormLast] { buffer.zero() }
    for r in 0..<grid.columns {
      for c in 0..<dim {
        let value = fast[r * dim + c]
        fastNormFull[c] += value * value
        if r < grid.lastRowLength { fastNormLast[c] += value * value }
      }
    }
  }

  /// Adds a block of whole grid rows.
  func add(_ block: RowBlock, workers: ColumnWorkers, slowFixed: Bool) {
    let grid = self.grid, dim = self.dim
    let shared = UncheckedSendable(
      (block, fast.pointer, slow.pointer, numerator.pointer, fullRowWeight.pointer, lastRowWeight.pointer,
       squares.pointer, fastNormFull.pointer, fastNormLast.pointer))
    workers.run { columns in
      let (block, a, b, numerator, fullWeight, lastWeight, squares, normFull, normLast) = shared.value
      let width = columns.count, low = columns.lowerBound
      let dot = UnsafeMutablePointer<Double>.allocate(capacity: 3 * width)
      defer { dot.deallocate() }
      let sq = dot + width, bq = dot + 2 * width
      let firstRow = block.firstRow / grid.columns
      let endRow = (block.firstRow + block.rowCount + grid.columns - 1) / grid.columns
      for q in firstRow..<endRow {
        let length = grid.length(ofRow: q)
        let cells = block.values.baseAddress! + (q * grid.columns - block.firstRow) * dim + low
        dot.update(repeating: 0, count: 2 * width)
        for r in 0..<length {
          let x = cells + r * dim, ar = a + r * dim + low
          for c in 0..<width {
            let value = Double(x[c])
            dot[c] += value * ar[c]
            sq[c] += value * value
          }
        }
        let norm = (length == grid.columns ? normFull : normLast) + low
        let slowRow = b + q * dim + low
        let weight = (length == grid.columns ? fullWeight : lastWeight) + low
        for c in 0..<width {
          let value = slowFixed ? slowRow[c] : (norm[c] > 0 ? dot[c] / norm[c] : 0)
          slowRow[c] = value
          bq[c] = value
          squares[low + c] += sq[c]
          weight[c] += value * value
        }
        for r in 0..<length {
          let x = cells + r * dim, target = numerator + r * dim + low
          for c in 0..<width { target[c] += bq[c] * Double(x[c]) }
        }
      }
    }
  }

  /// Sets a to its least-squares update for the current b and returns the error of (new a, b):
  /// Σ‖G‖² − Σ_r numerator[r]² / weight[r] per column, summed.
  func finish() -> Double {
    var error = totalSquares
    for r in 0..<grid.columns {
      for c in 0..<dim {
        var weight = fullRowWeight[c]
        if !grid.isFull && r < grid.lastRowLength { weight += lastRowWeight[c] }
        guard weight > 0 else { continue }
        let num = numerator[r * dim + c]
        fast[r * dim + c] = num / weight
        error -= num * num / weight
      }
    }
    return max(0, error)
  }
}
