import Foundation
import Testing

@testable import EmbCompress

/// The `weighted` section against a direct computation from the rows and the counts.
@Suite struct WeightedReportTests {
  private let table = TestTable.gaussian(rows: 900, dim: 12, seed: 41, mean: 0.2)
  /// Integer counts (so every weight sum is exact), about a fifth of them zero.
  private var counts: [Double] { (0..<900).map { Double(($0 * 2_654_435_761 >> 7) % 23) - 4 }.map { max(0, $0) } }

  private func tables(precision: StoragePrecision = .f32) throws -> CompositionalTables {
    let layout = try CompositionalLayout(rows: 900, dim: 12, scheme: .qr, operation: .mult, sizing: .collisions(4))
    return try CompositionalFitter.fit(table.source, layout: layout).tables.rounded(to: precision)
  }

  private func options(threads: Int = 2, memory: Int = 1 << 30) -> EvaluationOptions {
    EvaluationOptions(seed: 3, threads: threads, maxBlockBytes: 250 * 12 * 4, memoryBudget: memory, corpusSize: 300, querySize: 50)
  }

  /// The smallest value with at least p% of the weight at or below it.
  private func weightedPercentile(_ values: [Float], _ weights: [Double], _ p: Double) -> Double {
    let order = values.indices.filter { weights[$0] > 0 }.sorted { values[$0] != values[$1] ? values[$0] < values[$1] : $0 < $1 }
    let goal = p / 100 * weights.reduce(0, +)
    var sum = 0.0
    for i in order {
      sum += weights[i]
      if sum >= goal { return Double(values[i]) }
    }
    return Double(values[order.last!])
  }

  @Test(arguments: [StoragePrecision.f32, .f16])
  func weightedFiguresMatchADirectComputation(precision: StoragePrecision) throws {
    let stored = try tables(precision: precision)
    let counts = self.counts
    let evaluation = try TableEvaluator.evaluate(
      table.source, against: RuleTables(stored), precision: precision, counts: counts, options: options())
    let weighted = try #require(evaluation.weighted)
    let (rows, dim) = (table.rows, table.dim)

    var rebuilt = [Float](repeating: 0, count: dim)
    var error = 0.0, norm = 0.0, int8 = 0.0, half = 0.0, relativeSum = 0.0
    var relative: [Float] = [], cosine: [Float] = []
    for i in 0..<rows {
      rebuilt.withUnsafeMutableBufferPointer { stored.embedding(of: i, into: $0) }
      var e = 0.0, n = 0.0, d = 0.0, r = 0.0
      for c in 0..<dim {
        let a = table.value(i, c), b = Double(rebuilt[c])
        e += (a - b) * (a - b)
        n += a * a
        d += a * b
        r += b * b
      }
      let w = counts[i]
      error += w * e
      norm += w * n
      relative.append(Float((e / n).squareRoot()))
      cosine.append(Float(d / (n * r).squareRoot()))
      relativeSum += w * Double(relative[i])
      table.values.withUnsafeBufferPointer { values in
        let row = UnsafeBufferPointer(rebasing: values[(i * dim)..<((i + 1) * dim)])
        int8 += w * Int8RowwiseQuantization.squaredError(row)
        half += w * Float16Rounding.squaredError(row)
      }
    }
    let lookups = counts.reduce(0, +)
    #expect(weighted.lookups == lookups)
    #expect(weighted.countedRows == counts.filter { $0 > 0 }.count)
    #expect(abs(weighted.relativeFrobenius - (error / norm).squareRoot()) <= 1e-12)
    #expect(abs(weighted.mse - error / (Double(dim) * lookups)) <= 1e-12)
    #expect(abs(weighted.rowRelative.mean - relativeSum / lookups) <= 1e-9)
    for (have, p) in [(weighted.rowRelative.p50, 50.0), (weighted.rowRelative.p90, 90), (weighted.rowRelative.p99, 99)] {
      #expect(abs(have - weightedPercentile(relative, counts, p)) <= 1e-6, "p\(p)")
    }
    for (have, p) in [(weighted.cosine.p1, 1.0), (weighted.cosine.p10, 10), (weighted.cosine.p50, 50)] {
      #expect(abs(have - weightedPercentile(cosine, counts, p)) <= 1e-6, "p\(p)")
    }
    let countedMax = relative.indices.filter { counts[$0] > 0 }.map { relative[$0] }.max()!
    #expect(abs(weighted.rowRelative.max - Double(countedMax)) <= 1e-6)
    // Weighted percentiles are not the plain ones: the counts move them.
    #expect(weighted.rowRelative.p50 != evaluation.error.rowRelative.p50 || weighted.cosine.p10 != evaluation.error.cosine.p10)

    let byMethod = Dictionary(uniqueKeysWithValues: weighted.baselines.map { ($0.method, $0.relativeFrobenius) })
    #expect(weighted.baselines.map(\.method) == evaluation.baselines.map(\.method))
    #expect(abs(byMethod[.int8Rowwise]! - (int8 / norm).squareRoot()) <= 1e-12)
    #expect(abs(byMethod[.float16]! - (half / norm).squareRoot()) <= 1e-12)

    // Truncated SVD of √w⊙E.
    let rank = try #require(evaluation.baselines.first { $0.method == .truncatedSVD }?.rank)
    var scaled = [Double](repeating: 0, count: rows * dim)
    for i in 0..<rows { for c in 0..<dim { scaled[i * dim + c] = counts[i].squareRoot() * table.value(i, c) } }
    let singular = try #require(SingularValues.of(scaled, rows: rows, columns: dim))
    let tail = singular[rank...].reduce(0) { $0 + $1 * $1 }
    #expect(abs(byMethod[.truncatedSVD]! - (tail / singular.reduce(0) { $0 + $1 * $1 }).squareRoot()) <= 1e-9)

    // Hashing with weighted bucket means, rounded to the checkpoint's precision, row by row.
    let buckets = try #require(evaluation.baselines.first { $0.method == .hash }?.buckets)
    var sums = [Double](repeating: 0, count: buckets * dim), bucketWeight = [Double](repeating: 0, count: buckets)
    for i in 0..<rows {
      bucketWeight[i % buckets] += counts[i]
      for c in 0..<dim { sums[(i % buckets) * dim + c] += counts[i] * table.value(i, c) }
    }
    var hashError = 0.0
    for i in 0..<rows where counts[i] > 0 {
      for c in 0..<dim {
        let mean = Double(precision.round(Float(sums[(i % buckets) * dim + c] / bucketWeight[i % buckets])))
        hashError += counts[i] * (table.value(i, c) - mean) * (table.value(i, c) - mean)
      }
    }
    #expect(abs(byMethod[.hash]! - (hashError / norm).squareRoot()) <= 1e-9)
    // The unweighted figures are untouched by the counts.
    let plain = try TableEvaluator.evaluate(table.source, against: RuleTables(stored), precision: precision, options: options())
    #expect(plain.error == evaluation.error && plain.baselines == evaluation.baselines && plain.weighted == nil)
  }

  @Test func unitCountsGiveTheUnweightedFigures() throws {
    let stored = try tables()
    let evaluation = try TableEvaluator.evaluate(
      table.source, against: RuleTables(stored), precision: .f32, counts: [Double](repeating: 1, count: 900), options: options())
    let weighted = try #require(evaluation.weighted)
    #expect(abs(weighted.relativeFrobenius - evaluation.error.relativeFrobenius) <= 1e-14)
    #expect(weighted.rowRelative.p50 == evaluation.error.rowRelative.p50)
    #expect(weighted.rowRelative.p99 == evaluation.error.rowRelative.p99)
    #expect(weighted.cosine.p1 == evaluation.error.cosine.p1)
    #expect(weighted.histogram.lookups == evaluation.histogram.counts.map(Double.init))
    for (a, b) in zip(weighted.baselines, evaluation.baselines) {
      #expect(a.method == b.method && abs(a.relativeFrobenius - b.relativeFrobenius) <= 1e-9)
    }
  }

  @Test func everyFigureIsTheSameForAnyThreadCountAndMemory() throws {
    let stored = try tables()
    let counts = self.counts
    let one = try TableEvaluator.evaluate(
      table.source, against: RuleTables(stored), precision: .f32, counts: counts, options: options(threads: 1))
    // 20 kB: the keys are not held (a second pass) and the hash sums take several passes.
    let small = try TableEvaluator.evaluate(
      table.source, against: RuleTables(stored), precision: .f32, counts: counts, options: options(threads: 3, memory: 20_000))
    #expect(!TableEvaluator.holdsKeys(rows: 900, memoryBudget: 20_000))
    #expect(TableEvaluator.hashBucketRanges(buckets: small.baselines.last!.buckets!, dim: 12, weighted: true, memoryBudget: 20_000).count > 1)
    #expect(one.error == small.error && one.weighted == small.weighted)
    #expect(one.baselines == small.baselines && one.omittedBaselines == small.omittedBaselines)
    #expect(one.worstRows == small.worstRows && one.histogram == small.histogram && one.neighbors == small.neighbors)
  }

  @Test func badCountsAreRefused() throws {
    let stored = RuleTables(try tables())
    for bad in [[Double](repeating: 1, count: 899), [Double](repeating: 0, count: 900), [-1] + [Double](repeating: 1, count: 899)] {
      #expect(throws: EmbCompressError.self) {
        try TableEvaluator.evaluate(self.table.source, against: stored, precision: .f32, counts: bad, options: self.options())
      }
    }
  }
}
