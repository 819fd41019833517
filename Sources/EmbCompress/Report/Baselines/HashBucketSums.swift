import CKernels
import Dispatch

/// Per bucket of the hashing trick (`id % buckets`), the sum of its rows in Double — and, with
/// lookup counts, the sums of its rows weighted by them and the bucket's total weight: gathered in
/// the report's pass so the hash baseline needs no pass of its own.
///
/// It holds a range of buckets. When the sums of all of them would not fit the report's share of
/// `--memory`, the baseline takes several passes, one range each (`HashBaseline.absorb`); each
/// bucket's sums are the same bits whatever its range, so the baseline does not depend on
/// `--memory`. Every bucket's rows are added in id order whatever the threads, so the sums are the
/// same bits for any thread count: when no bucket occurs twice in a block, each thread adds a
/// fixed run of the block's rows, whole; otherwise each thread owns a fixed range of columns.
final class HashBucketSums {
  let buckets: Int
  let dim: Int
  /// The buckets held.
  let range: Range<Int>
  let weighted: Bool
  /// `range.count × dim`, row-major.
  private(set) var sums: [Double]
  /// With counts: Σ w_i·E_i, `range.count × dim`, and Σ w_i per bucket.
  private(set) var weightedSums: [Double]
  private(set) var bucketWeights: [Double]

  /// What one bucket holds: its sums in Double (twice with counts, and its weight).
  static func bytesPerBucket(dim: Int, weighted: Bool) -> Int { dim * 8 * (weighted ? 2 : 1) + (weighted ? 8 : 0) }

  /// `threads` first touch the sums (see `ZeroedMemory`).
  init(buckets: Int, dim: Int, range: Range<Int>? = nil, weighted: Bool = false, threads: Int = 1) {
    precondition(buckets >= 1)
    self.buckets = buckets
    self.dim = dim
    self.range = range ?? 0..<buckets
    self.weighted = weighted
    sums = ZeroedMemory.array(count: self.range.count * dim, threads: threads)
    weightedSums = weighted ? ZeroedMemory.array(count: self.range.count * dim, threads: threads) : []
    bucketWeights = weighted ? [Double](repeating: 0, count: self.range.count) : []
  }

  /// Adds the rows of `block` whose bucket is in `range`; `weights` are every id's counts.
  func add(_ block: RowBlock, weights: [Double]? = nil, threads: Int) {
    precondition(weights != nil || !weighted)
    let (dim, buckets, range) = (self.dim, self.buckets, self.range)
    // Whole rows stream through memory at the full rate; two threads sharing every row of sums,
    // a half each, ran at a third of it. Rows split only while no bucket occurs twice in a block.
    let byRows = block.rowCount <= buckets
    // Otherwise ranges of 16 columns (a cache line of Float), so two threads never share a line.
    let groups = byRows ? block.rowCount : (dim + 15) / 16
    let workers = max(1, min(threads, groups))
    let whole = range.count == buckets
    weights.withOptionalBuffer { weights in
      sums.withUnsafeMutableBufferPointer { sums in
        weightedSums.withUnsafeMutableBufferPointer { weightedSums in
          bucketWeights.withUnsafeMutableBufferPointer { bucketWeights in
            let weighted = self.weighted && weights != nil
            let shared = UncheckedSendable(
              (sums.baseAddress!, weighted ? weightedSums.baseAddress : nil, weighted ? bucketWeights.baseAddress : nil, weights, block))
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
              let (sums, weightedSums, bucketWeights, weights, block) = shared.value
              let columns = byRows ? 0..<dim : (groups * worker / workers * 16)..<min(dim, groups * (worker + 1) / workers * 16)
              let ids = byRows
                ? (block.firstRow + groups * worker / workers)..<(block.firstRow + groups * (worker + 1) / workers)
                : block.rows
              // Runs of consecutive ids whose buckets are consecutive and in range, each one C call
              // (AVX2 where the CPU has it): the same adds, in the same order, as one row at a time.
              let width = columns.count
              guard width > 0 else { return }
              var id = ids.lowerBound
              while id < ids.upperBound {
                let bucket = id % buckets
                var run = min(ids.upperBound - id, buckets - bucket)
                if !whole {
                  guard bucket < range.upperBound else {
                    id += run
                    continue
                  }
                  if bucket < range.lowerBound {
                    id += min(run, range.lowerBound - bucket)
                    continue
                  }
                  run = min(run, range.upperBound - bucket)
                }
                let slot = bucket - range.lowerBound
                let x = block.values.baseAddress! + (id - block.firstRow) * dim + columns.lowerBound
                ck_add_rows(x, dim, nil, run, width, sums + slot * dim + columns.lowerBound, dim)
                if let weightedSums, let weights {
                  ck_add_rows(
                    x, dim, weights.baseAddress! + id, run, width, weightedSums + slot * dim + columns.lowerBound, dim)
                  if byRows || worker == 0 { for k in 0..<run { bucketWeights![slot + k] += weights[id + k] } }
                }
                id += run
              }
            }
          }
        }
      }
    }
  }

  /// How many of the ids `0..<rows` fall in `bucket` of `buckets`.
  static func count(of bucket: Int, buckets: Int, rows: Int) -> Int {
    rows / buckets + (bucket < rows % buckets ? 1 : 0)
  }
}
