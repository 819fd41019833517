import Foundation
import Testing

@testable import EmbCompress

/// The truncated-SVD and hash baselines against independent computations.
@Suite struct SubspaceBaselineTests {
  private func gram(_ table: TestTable, threads: Int, maxBlockBytes: Int) throws -> [Double] {
    let accumulator = GramAccumulator(dim: table.dim)
    try table.source.forEachBlock(maxBlockBytes: maxBlockBytes) { accumulator.add($0, threads: threads) }
    return accumulator.matrix
  }

  @Test func gramIsEᵀEAndTheSameForAnyThreadCount() throws {
    // 300 columns: several tiles, some not square.
    let table = TestTable.gaussian(rows: 700, dim: 300, seed: 11)
    let one = try gram(table, threads: 1, maxBlockBytes: 200 * 300 * 4)
    let three = try gram(table, threads: 3, maxBlockBytes: 200 * 300 * 4)
    #expect(one == three)
    for (a, b) in [(0, 0), (5, 17), (130, 299), (299, 299), (127, 128)] {
      let direct = (0..<table.rows).reduce(0.0) { $0 + table.value($1, a) * table.value($1, b) }
      let magnitudes = (0..<table.rows).reduce(0.0) { $0 + abs(table.value($1, a) * table.value($1, b)) }
      // Float32 products of 256-row strips, summed in Double: at most 256 roundings of 2⁻²⁴ each,
      // relative to the terms' magnitudes (docs/report.md).
      #expect(abs(one[a * table.dim + b] - direct) <= Double(GramAccumulator.stripRows) * 0x1p-24 * magnitudes)
    }
  }

  @Test func truncatedSVDErrorIsTheTailOfTheSingularValues() throws {
    let table = TestTable.gaussian(rows: 120, dim: 30, seed: 4)
    let matrix = try gram(table, threads: 2, maxBlockBytes: 1 << 20)
    let singular = try #require(SingularValues.of(table.values.map(Double.init), rows: table.rows, columns: table.dim))
    let total = singular.reduce(0) { $0 + $1 * $1 }
    for rank in [1, 7, 29, 30] {
      let svd = try #require(TruncatedSVDBaseline(gram: matrix, dim: table.dim, rank: rank, wantBasis: false))
      let tail = singular[rank...].reduce(0) { $0 + $1 * $1 }
      // EᵀE's float32 products move the figure by ~1e-8 here; double sums gave ~1e-12.
      #expect(abs(svd.relativeError - (tail / total).squareRoot()) <= 1e-7, "rank \(rank)")
    }
  }

  @Test func truncatedSVDRowsAreTheBestRankRApproximation() throws {
    let table = TestTable.gaussian(rows: 80, dim: 12, seed: 9)
    let rank = 4
    let svd = try #require(
      TruncatedSVDBaseline(gram: try gram(table, threads: 1, maxBlockBytes: 1 << 20), dim: table.dim, rank: rank, wantBasis: true))
    let rebuilt = svd.reconstruct(table.values, count: table.rows)
    let error = zip(table.values, rebuilt).reduce(0.0) { $0 + pow(Double($1.0) - Double($1.1), 2) }
    // The rows the basis rebuilds carry exactly the error the eigenvalues promise.
    #expect(abs(error - svd.squaredError) <= 1e-4 * svd.squaredError)
    let thin = try #require(SingularValues.thin(table.values.map(Double.init), rows: table.rows, columns: table.dim))
    for i in [0, 33, 79] {
      for c in [0, 5, 11] {
        let expected = (0..<rank).reduce(0.0) { $0 + thin.left[i * table.dim + $1] * thin.values[$1] * thin.right[c * table.dim + $1] }
        #expect(abs(Double(rebuilt[i * table.dim + c]) - expected) <= 1e-4)
      }
    }
  }

  /// More buckets than a block has rows: each thread adds whole rows; fewer: columns. Either way,
  /// and in ranges, the sums are every bucket's rows added in id order, in Double.
  @Test(arguments: [(700, 0..<700), (700, 150..<420), (37, 0..<37), (37, 5..<30)])
  func hashSumsAreTheSameBitsOnAnyThreads(buckets: Int, range: Range<Int>) throws {
    let table = TestTable.gaussian(rows: 2000, dim: 20, seed: 4)
    let weights = (0..<table.rows).map { Double($0 % 7) + 0.5 }
    var expected = [Double](repeating: 0, count: range.count * table.dim)
    var expectedWeighted = expected
    for id in 0..<table.rows where range.contains(id % buckets) {
      for c in 0..<table.dim {
        let slot = (id % buckets - range.lowerBound) * table.dim + c
        expected[slot] += Double(table.values[id * table.dim + c])
        expectedWeighted[slot] += weights[id] * Double(table.values[id * table.dim + c])
      }
    }
    for threads in [1, 2, 3] {
      let sums = HashBucketSums(buckets: buckets, dim: table.dim, range: range, weighted: true, threads: threads)
      try table.source.forEachBlock(maxBlockBytes: 333 * 20 * 4) { sums.add($0, weights: weights, threads: threads) }
      #expect(sums.sums == expected)
      #expect(sums.weightedSums == expectedWeighted)
    }
  }

  @Test(arguments: [StoragePrecision.f32, .bf16])
  func hashBaselineIsTheFittersBucketMeans(precision: StoragePrecision) throws {
    let table = TestTable.gaussian(rows: 1000, dim: 8, seed: 21, mean: 0.3)
    let buckets = 37
    // In three ranges of buckets, one pass each, as under a small --memory: the same as one.
    var baseline = HashBaseline(buckets: buckets, dim: table.dim, precision: precision, keeping: Array(0..<buckets))
    var whole = baseline
    for range in [0..<10, 10..<11, 11..<37] {
      let sums = HashBucketSums(buckets: buckets, dim: table.dim, range: range)
      try table.source.forEachBlock(maxBlockBytes: 333 * 8 * 4) { sums.add($0, threads: 2) }
      baseline.absorb(sums, rows: table.rows)
    }
    let all = HashBucketSums(buckets: buckets, dim: table.dim)
    try table.source.forEachBlock(maxBlockBytes: 333 * 8 * 4) { all.add($0, threads: 1) }
    whole.absorb(all, rows: table.rows)
    #expect(baseline.squaredError(totalSquares: table.totalSquares) == whole.squaredError(totalSquares: table.totalSquares))
    #expect(TableEvaluator.hashBucketRanges(buckets: 37, dim: 8, weighted: false, memoryBudget: 2 * 64 * 10).count == 4)

    // The public fitter, with a hash layout of the same size, is the independent reference.
    let layout = try CompositionalLayout(rows: table.rows, dim: table.dim, scheme: .hash, operation: .mult, sizing: .collisions(buckets))
    let fitted = try CompositionalFitter.fit(table.source, layout: layout)
    let stored = fitted.tables.rounded(to: precision)
    for bucket in 0..<buckets {
      #expect(Array(baseline.row(of: bucket)) == Array(stored.weights[0][(bucket * 8)..<((bucket + 1) * 8)]))
    }
    let direct = table.squaredError(of: stored)
    #expect(abs(baseline.squaredError(totalSquares: table.totalSquares) - direct) <= 1e-9 * table.totalSquares)
    #expect(Array(baseline.row(of: 40)) == Array(stored.weights[0][(3 * 8)..<(4 * 8)]))
  }
}
