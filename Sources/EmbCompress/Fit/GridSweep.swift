import CKernels

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
  /// The slow factor, `slowModulus × dim` (rows past the grid stay 0). It is as large as the
  /// output table (a quarter of the input for qr with m = 4), so it is kept in Float, the output's
  /// type, and handed over as it is: each b[q] is computed in Double and rounded once when stored.
  private(set) var slow: [Float]
  private let numerator: DoubleBuffer
  private let fullRowWeight: DoubleBuffer
  private let lastRowWeight: DoubleBuffer
  private let squares: DoubleBuffer
  private var squaresMeasured = false
  private var measuring = true
  private let fastNormFull: DoubleBuffer
  private let fastNormLast: DoubleBuffer

  /// `threads` first touch the slow factor, which is as large as the output (see `ZeroedMemory`).
  init(grid: MixedRadixGrid, dim: Int, threads: Int = 1) {
    self.grid = grid
    self.dim = dim
    fast = DoubleBuffer(count: grid.columns * dim)
    slow = ZeroedMemory.array(count: grid.slowModulus * dim, threads: threads)
    numerator = DoubleBuffer(count: grid.columns * dim)
    fullRowWeight = DoubleBuffer(count: dim)
    lastRowWeight = DoubleBuffer(count: dim)
    squares = DoubleBuffer(count: dim)
    fastNormFull = DoubleBuffer(count: dim)
    fastNormLast = DoubleBuffer(count: dim)
  }

  /// Σᵢ‖Eᵢ‖², as the first pass measured it (it is the same every pass).
  var totalSquares: Double { (0..<dim).reduce(0.0) { $0 + squares[$1] } }

  /// Clears the sums and takes a's squared norms over a full and over the partial row.
  func begin() {
    for buffer in [numerator, fullRowWeight, lastRowWeight, fastNormFull, fastNormLast] { buffer.zero() }
    measuring = !squaresMeasured
    if measuring { squares.zero() }
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
    slow.withUnsafeMutableBufferPointer { slow in add(block, workers: workers, slowFixed: slowFixed, slow: slow.baseAddress!) }
  }

  /// Gives the slow factor's storage to `body` (to fill it, or to fix its gauge).
  func withSlow<R>(_ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
    try slow.withUnsafeMutableBufferPointer { try body($0.baseAddress!) }
  }

  private func add(_ block: RowBlock, workers: ColumnWorkers, slowFixed: Bool, slow: UnsafeMutablePointer<Float>) {
    let grid = self.grid, dim = self.dim, measuring = self.measuring
    let shared = UncheckedSendable(
      (block, fast.pointer, slow, numerator.pointer, fullRowWeight.pointer, lastRowWeight.pointer,
       squares.pointer, fastNormFull.pointer, fastNormLast.pointer))
    workers.run { columns in
      let (block, a, b, numerator, fullWeight, lastWeight, squares, normFull, normLast) = shared.value
      let width = columns.count, low = columns.lowerBound
      let firstRow = block.firstRow / grid.columns
      let endRow = (block.firstRow + block.rowCount + grid.columns - 1) / grid.columns
      let fullEnd = min(endRow, grid.fullRows)
      func cells(_ q: Int) -> UnsafePointer<Float> {
        block.values.baseAddress! + (q * grid.columns - block.firstRow) * dim + low
      }
      if fullEnd > firstRow {
        ck_sweep_rows(
          cells(firstRow), dim, fullEnd - firstRow, grid.columns, width, a + low, dim, normFull + low,
          slowFixed ? 1 : 0, b + firstRow * dim + low, dim, fullWeight + low, measuring ? squares + low : nil, numerator + low, dim)
      }
      if endRow > fullEnd {
        // The partial last grid row: its own norm of a and its own weight.
        let q = endRow - 1
        ck_sweep_rows(
          cells(q), dim, 1, grid.lastRowLength, width, a + low, dim, normLast + low, slowFixed ? 1 : 0,
          b + q * dim + low, dim, lastWeight + low, measuring ? squares + low : nil, numerator + low, dim)
      }
    }
  }

  /// Sets a to its least-squares update for the current b and returns the error of (new a, b):
  /// Σ‖G‖² − Σ_r numerator[r]² / weight[r] per column, summed.
  func finish() -> Double {
    squaresMeasured = true
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
