import Dispatch

/// Per bucket of the hashing trick (`id % buckets`), the sum of its rows, in Double: gathered in
/// the report's pass so the hash baseline needs no pass of its own.
///
/// Each thread owns a fixed range of columns and adds the rows in id order, so the sums are the
/// same bits for any thread count.
final class HashBucketSums {
  let buckets: Int
  let dim: Int
  /// `buckets × dim`, row-major.
  private(set) var sums: [Double]

  /// What the baseline holds at its peak: the Double sums and then the Float means beside them.
  static func bytesNeeded(buckets: Int, dim: Int) -> Int {
    buckets.multipliedReportingOverflow(by: dim * (MemoryLayout<Double>.size + MemoryLayout<Float>.size)).partialValue
  }

  init(buckets: Int, dim: Int) {
    precondition(buckets >= 1)
    self.buckets = buckets
    self.dim = dim
    sums = [Double](repeating: 0, count: buckets * dim)
  }

  func add(_ block: RowBlock, threads: Int) {
    // Ranges of 16 columns (a cache line of Float) so two threads never share a line of sums' rows.
    let groups = (dim + 15) / 16
    let workers = max(1, min(threads, groups))
    let (dim, buckets) = (self.dim, self.buckets)
    sums.withUnsafeMutableBufferPointer { sums in
      let shared = UncheckedSendable((sums.baseAddress!, block))
      DispatchQueue.concurrentPerform(iterations: workers) { worker in
        let (sums, block) = shared.value
        let columns = (groups * worker / workers * 16)..<min(dim, groups * (worker + 1) / workers * 16)
        var bucket = block.firstRow % buckets
        for id in block.rows {
          let row = block.row(id)
          let target = sums + bucket * dim
          for c in columns { target[c] += Double(row[c]) }
          bucket += 1
          if bucket == buckets { bucket = 0 }
        }
      }
    }
  }

  /// How many of the ids `0..<rows` fall in `bucket`.
  func count(of bucket: Int, rows: Int) -> Int { rows / buckets + (bucket < rows % buckets ? 1 : 0) }
}
