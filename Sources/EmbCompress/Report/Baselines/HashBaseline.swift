/// The hashing-trick baseline: one table of m rows, row `id % m` standing for id, each row the
/// mean of its bucket (the least-squares optimum), stored at the checkpoint's precision.
///
/// m is the largest whose table, m·d values at that precision, fits the checkpoint's tensor
/// bytes, at most n (where every id has its own row). The error of the stored (rounded) means W
/// follows exactly from the bucket sums S and Σ‖E_i‖²:
/// Σ_b Σ_{i∈b} ‖E_i − W_b‖² = Σ‖E_i‖² − 2 Σ_b ⟨S_b, W_b⟩ + Σ_b n_b ‖W_b‖².
struct HashBaseline {
  let buckets: Int
  let precision: StoragePrecision
  /// `buckets × dim`, the means as stored.
  let means: [Float]
  let squaredError: Double
  let totalSquares: Double

  static func largestBuckets(rows: Int, dim: Int, precision: StoragePrecision, budget: Int) -> Int {
    min(rows, budget / (dim * precision.byteSize))
  }

  static func bytes(buckets: Int, dim: Int, precision: StoragePrecision) -> Int { buckets * dim * precision.byteSize }

  init(sums: HashBucketSums, rows: Int, totalSquares: Double, precision: StoragePrecision) {
    let dim = sums.dim
    var means = [Float](repeating: 0, count: sums.buckets * dim)
    var cross = 0.0, squares = 0.0
    for bucket in 0..<sums.buckets {
      let count = sums.count(of: bucket, rows: rows)
      guard count > 0 else { continue }
      for c in 0..<dim {
        let sum = sums.sums[bucket * dim + c]
        let stored = precision.round(Float(sum / Double(count)))
        means[bucket * dim + c] = stored
        cross += sum * Double(stored)
        squares += Double(count) * Double(stored) * Double(stored)
      }
    }
    self.buckets = sums.buckets
    self.precision = precision
    self.means = means
    self.totalSquares = totalSquares
    squaredError = max(0, totalSquares - 2 * cross + squares)
  }

  var relativeError: Double { totalSquares > 0 ? (squaredError / totalSquares).squareRoot() : 0 }

  /// The stored row for `id`.
  func row(of id: Int) -> ArraySlice<Float> {
    let start = (id % buckets) * (means.count / buckets)
    return means[start..<(start + means.count / buckets)]
  }
}
