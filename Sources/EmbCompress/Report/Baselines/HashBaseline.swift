import Dispatch

/// The hashing-trick baseline: one table of m rows, row `id % m` standing for id, each row the
/// mean of its bucket (the least-squares optimum), stored at the checkpoint's precision.
///
/// m is the largest whose table, m·d values at that precision, fits the checkpoint's tensor
/// bytes, at most n (where every id has its own row). The error of the stored (rounded) means W
/// follows exactly from the bucket sums S and Σ‖E_i‖²:
/// Σ_b Σ_{i∈b} ‖E_i − W_b‖² = Σ‖E_i‖² − 2 Σ_b ⟨S_b, W_b⟩ + Σ_b n_b ‖W_b‖².
///
/// With lookup counts w it is also measured on the same weights: the weighted bucket means
/// W_b = Σ w_i E_i / Σ w_i (the weighted least-squares optimum, rounded the same way) and
/// Σ_i w_i ‖E_i − W_b‖² = Σ w_i‖E_i‖² − 2 Σ_b ⟨S^w_b, W_b⟩ + Σ_b w_b ‖W_b‖². A bucket no lookup
/// reaches adds nothing to it.
///
/// The sums arrive a range of buckets at a time (`absorb`), in bucket order; only the means of
/// the buckets the neighbour sample needs are kept.
struct HashBaseline {
  let buckets: Int
  let dim: Int
  let precision: StoragePrecision
  /// Ascending: the buckets whose stored rows `row(of:)` serves.
  let keptBuckets: [Int]
  private var keptMeans: [Float]
  /// Per fixed run of `runBuckets` buckets, its share of Σ⟨S_b, W_b⟩ and Σ n_b‖W_b‖² (and the
  /// weighted ones), each summed in bucket order and added up in run order at the end: the runs
  /// are absorbed in parallel, yet the figures are the same bits for any thread count and for
  /// any ranges the buckets arrive in.
  private var runs: [RunSums]
  /// The buckets absorbed so far: `0..<absorbed`.
  private(set) var absorbed = 0

  /// Buckets whose sums one worker turns into means at a time.
  static let runBuckets = 4096

  private struct RunSums {
    var cross = 0.0, squares = 0.0
    var weightedCross = 0.0, weightedSquares = 0.0
  }

  static func largestBuckets(rows: Int, dim: Int, precision: StoragePrecision, budget: Int) -> Int {
    min(rows, budget / (dim * precision.byteSize))
  }

  static func bytes(buckets: Int, dim: Int, precision: StoragePrecision) -> Int { buckets * dim * precision.byteSize }

  init(buckets: Int, dim: Int, precision: StoragePrecision, keeping keptBuckets: [Int]) {
    self.buckets = buckets
    self.dim = dim
    self.precision = precision
    self.keptBuckets = keptBuckets
    keptMeans = [Float](repeating: 0, count: keptBuckets.count * dim)
    runs = [RunSums](repeating: RunSums(), count: (buckets + Self.runBuckets - 1) / Self.runBuckets)
  }

  /// Adds the next range of buckets' sums.
  mutating func absorb(_ sums: HashBucketSums, rows: Int, threads: Int = SystemResources.coreCount) {
    precondition(sums.range.lowerBound == absorbed && sums.buckets == buckets && sums.dim == dim)
    let range = sums.range
    let firstRun = range.lowerBound / Self.runBuckets
    let pieces = (firstRun...((range.upperBound - 1) / Self.runBuckets)).map { run in
      max(range.lowerBound, run * Self.runBuckets)..<min(range.upperBound, (run + 1) * Self.runBuckets)
    }
    let (dim, precision, keptBuckets) = (self.dim, self.precision, self.keptBuckets)
    let next = AtomicCounter()
    let weighted = sums.weighted
    let (sumValues, weightedValues, bucketWeights) = (sums.sums, sums.weightedSums, sums.bucketWeights)
    let buckets = self.buckets
    keptMeans.withUnsafeMutableBufferPointer { keptMeans in
      runs.withUnsafeMutableBufferPointer { runs in
        let shared = UncheckedSendable((keptMeans.baseAddress!, runs.baseAddress!))
        DispatchQueue.concurrentPerform(iterations: max(1, min(threads, pieces.count))) { _ in
          let (keptMeans, runs) = shared.value
          while true {
            let index = next.increment()
            guard index < pieces.count else { return }
            let piece = pieces[index]
            var totals = runs[firstRun + index]
            var kept = Self.lowerBound(of: piece.lowerBound, in: keptBuckets)
            for bucket in piece {
              let slot = bucket - range.lowerBound
              let count = HashBucketSums.count(of: bucket, buckets: buckets, rows: rows)
              let keeps = kept < keptBuckets.count && keptBuckets[kept] == bucket
              if count > 0 {
                for c in 0..<dim {
                  let sum = sumValues[slot * dim + c]
                  let stored = precision.round(Float(sum / Double(count)))
                  if keeps { keptMeans[kept * dim + c] = stored }
                  totals.cross += sum * Double(stored)
                  totals.squares += Double(count) * Double(stored) * Double(stored)
                }
              }
              if keeps { kept += 1 }
              if weighted {
                let weight = bucketWeights[slot]
                guard weight > 0 else { continue }
                for c in 0..<dim {
                  let sum = weightedValues[slot * dim + c]
                  let stored = Double(precision.round(Float(sum / weight)))
                  totals.weightedCross += sum * stored
                  totals.weightedSquares += weight * stored * stored
                }
              }
            }
            runs[firstRun + index] = totals
          }
        }
      }
    }
    absorbed = range.upperBound
  }

  private func lowerBound(of bucket: Int) -> Int { Self.lowerBound(of: bucket, in: keptBuckets) }

  private static func lowerBound(of bucket: Int, in keptBuckets: [Int]) -> Int {
    var (low, high) = (0, keptBuckets.count)
    while low < high {
      let middle = (low + high) / 2
      if keptBuckets[middle] < bucket { low = middle + 1 } else { high = middle }
    }
    return low
  }

  func squaredError(totalSquares: Double) -> Double {
    let (cross, squares) = runs.reduce((0.0, 0.0)) { ($0.0 + $1.cross, $0.1 + $1.squares) }
    return max(0, totalSquares - 2 * cross + squares)
  }

  func weightedSquaredError(totalSquares: Double) -> Double {
    let (cross, squares) = runs.reduce((0.0, 0.0)) { ($0.0 + $1.weightedCross, $0.1 + $1.weightedSquares) }
    return max(0, totalSquares - 2 * cross + squares)
  }

  /// The stored row for `id`, whose bucket must be one of `keptBuckets`.
  func row(of id: Int) -> ArraySlice<Float> {
    let index = lowerBound(of: id % buckets)
    precondition(index < keptBuckets.count && keptBuckets[index] == id % buckets, "bucket of \(id) not kept")
    return keptMeans[(index * dim)..<((index + 1) * dim)]
  }
}
