import Dispatch

/// Splits the columns among worker threads.
///
/// For add and mult every column is its own problem, and every sum the fitter keeps (bucket sums,
/// Gram matrices, ALS numerators) belongs to one column. So each sum has a single owner that adds
/// the rows in id order: the result is bit-identical for any thread count and any block size,
/// with no per-chunk partial sums to merge.
struct ColumnWorkers: Sendable {
  /// Contiguous, in order, each a multiple of 16 columns (a cache line of Float) but the last.
  let ranges: [Range<Int>]

  init(dim: Int, threads: Int) {
    let groups = (dim + 15) / 16
    let workers = max(1, min(threads, groups))
    ranges = (0..<workers).map { worker in
      let low = groups * worker / workers * 16
      let high = min(dim, groups * (worker + 1) / workers * 16)
      return low..<high
    }
  }

  /// Runs `body` once per range, concurrently.
  func run(_ body: @Sendable (Range<Int>) -> Void) {
    if ranges.count == 1 {
      body(ranges[0])
      return
    }
    let ranges = self.ranges
    DispatchQueue.concurrentPerform(iterations: ranges.count) { body(ranges[$0]) }
  }
}
