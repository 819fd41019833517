import Foundation
import Testing

@testable import EmbCompress

/// The whole evaluation, on tables small enough to check by brute force.
@Suite struct TableEvaluatorTests {
  /// A qr-mult fit of a noisy table, stored at `precision`.
  private func stored(_ table: TestTable, precision: StoragePrecision = .f32, collisions: Int = 4) throws -> CompositionalTables {
    let layout = try CompositionalLayout(
      rows: table.rows, dim: table.dim, scheme: .qr, operation: .mult, sizing: .collisions(collisions))
    return try CompositionalFitter.fit(table.source, layout: layout).tables.rounded(to: precision)
  }

  private func options(threads: Int = 2, maxBlockBytes: Int = 1 << 20, corpus: Int = 20_000, queries: Int = 1_000) -> EvaluationOptions {
    EvaluationOptions(seed: 5, threads: threads, maxBlockBytes: maxBlockBytes, memoryBudget: 1 << 30, corpusSize: corpus, querySize: queries)
  }

  @Test func baselinesAreMeasuredAtTheCheckpointsSize() throws {
    let table = TestTable.gaussian(rows: 600, dim: 24, seed: 2)
    let tables = try stored(table, precision: .f16)
    let evaluation = try TableEvaluator.evaluate(table.source, against: RuleTables(tables), precision: .f16, options: options())
    let budget = tables.layout.parameterCount * 2
    let byMethod = Dictionary(uniqueKeysWithValues: evaluation.baselines.map { ($0.method, $0) })
    #expect(evaluation.baselines.map(\.method) == [.int8Rowwise, .float16, .truncatedSVD, .hash])
    #expect(evaluation.omittedBaselines.isEmpty)

    let svd = try #require(byMethod[.truncatedSVD])
    #expect(svd.rank == budget / ((600 + 24) * 4))
    #expect(svd.bytes <= budget && svd.bytes + (600 + 24) * 4 > budget)
    let singular = try #require(SingularValues.of(table.values.map(Double.init), rows: 600, columns: 24))
    let tail = singular[svd.rank!...].reduce(0) { $0 + $1 * $1 }
    #expect(abs(svd.relativeFrobenius - (tail / singular.reduce(0) { $0 + $1 * $1 }).squareRoot()) < 1e-9)

    let hash = try #require(byMethod[.hash])
    #expect(hash.buckets == budget / (24 * 2) && hash.precision == "f16")
    #expect(hash.bytes <= budget)

    // int8 and float16 straight from their rules.
    var int8 = 0.0, half = 0.0
    table.values.withUnsafeBufferPointer { values in
      for i in 0..<600 {
        let row = UnsafeBufferPointer(rebasing: values[(i * 24)..<((i + 1) * 24)])
        int8 += Int8RowwiseQuantization.squaredError(row)
        half += Float16Rounding.squaredError(row)
      }
    }
    #expect(abs(byMethod[.int8Rowwise]!.relativeFrobenius - (int8 / table.totalSquares).squareRoot()) < 1e-12)
    #expect(abs(byMethod[.float16]!.relativeFrobenius - (half / table.totalSquares).squareRoot()) < 1e-12)
    #expect(byMethod[.int8Rowwise]!.compressionRatio == Double(600 * 24 * 4) / Double(600 * 24 + 600 * 8))
    #expect(byMethod[.float16]!.compressionRatio == 2)
    // Quantization keeps neighbours; a noise table's QR fit does not.
    #expect(byMethod[.float16]!.recallAtK! > 0.95)
    #expect(try #require(evaluation.neighbors).recallAtK < byMethod[.int8Rowwise]!.recallAtK!)
  }

  @Test func everyFigureIsTheSameForAnyThreadCountAndBlockSize() throws {
    let table = TestTable.gaussian(rows: 3000, dim: 20, seed: 12)
    let tables = try stored(table)
    // 3000 rows span two row chunks; 200 queries span four query chunks.
    let one = try TableEvaluator.evaluate(
      table.source, against: RuleTables(tables), precision: .f32, options: options(threads: 1, corpus: 800, queries: 200))
    let three = try TableEvaluator.evaluate(
      table.source, against: RuleTables(tables), precision: .f32, options: options(threads: 3, corpus: 800, queries: 200))
    #expect(one.error == three.error)
    #expect(one.baselines == three.baselines)
    #expect(one.neighbors == three.neighbors)
    #expect(one.worstRows == three.worstRows && one.histogram == three.histogram)
    // Other block boundaries only move the Gram sums by rounding: float32 strips of other rows,
    // ~1e-9 here (it was ~1e-15 when the products were Double).
    let small = try TableEvaluator.evaluate(
      table.source, against: RuleTables(tables), precision: .f32,
      options: options(threads: 2, maxBlockBytes: 777 * 20 * 4, corpus: 800, queries: 200))
    for (a, b) in zip(one.baselines, small.baselines) { #expect(abs(a.relativeFrobenius - b.relativeFrobenius) < 1e-8) }
    #expect(one.neighbors == small.neighbors)
  }

  @Test func neighbourRecallAgreesWithBruteForce() throws {
    let table = TestTable.gaussian(rows: 900, dim: 6, seed: 30)
    let tables = try stored(table, collisions: 30)
    let evaluation = try TableEvaluator.evaluate(
      table.source, against: RuleTables(tables), precision: .f32, options: options(corpus: 250, queries: 40))
    let neighbors = try #require(evaluation.neighbors)
    #expect(neighbors.corpus == 250 && neighbors.queries == 40 && neighbors.k == 10 && neighbors.seed == 5)

    let sample = NeighborSample(rows: 900, size: 250, seed: 5)
    var rebuilt = [Float](repeating: 0, count: 900 * 6)
    rebuilt.withUnsafeMutableBufferPointer { tables.embeddings(of: 0..<900, into: $0) }
    func top(_ values: [Float], query: Int) -> Set<Int> {
      func cosine(_ a: Int, _ b: Int) -> Double {
        let dot = (0..<6).reduce(0.0) { $0 + Double(values[a * 6 + $1]) * Double(values[b * 6 + $1]) }
        let na = (0..<6).reduce(0.0) { $0 + pow(Double(values[a * 6 + $1]), 2) }
        let nb = (0..<6).reduce(0.0) { $0 + pow(Double(values[b * 6 + $1]), 2) }
        return dot / (na * nb).squareRoot()
      }
      let others = sample.ids.filter { $0 != query }.map { ($0, cosine(query, $0)) }
      return Set(others.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(10).map(\.0))
    }
    let overlap = sample.byKey.prefix(40).reduce(0) { $0 + top(table.values, query: $1).intersection(top(rebuilt, query: $1)).count }
    #expect(abs(neighbors.recallAtK - Double(overlap) / 400) < 1e-12)
  }

  @Test func zeroRowsAreLeftOutOfTheSample() throws {
    var values = TestTable.gaussian(rows: 50, dim: 4, seed: 1).values
    for row in [3, 10, 11, 40] { for c in 0..<4 { values[row * 4 + c] = 0 } }
    let table = TestTable(rows: 50, dim: 4, values: values)
    let evaluation = try TableEvaluator.evaluate(table.source, against: RuleTables(try stored(table)), precision: .f32, options: options())
    #expect(evaluation.neighbors?.corpus == 46)
    #expect(evaluation.neighbors?.queries == 46)
  }

  @Test func aTinyCheckpointOmitsTheSVDAndSaysWhy() throws {
    // A hash table of 2 rows: 2·16·4 = 128 bytes, short of rank 1's (200 + 16)·4.
    let table = TestTable.gaussian(rows: 200, dim: 16, seed: 3)
    let layout = try CompositionalLayout(rows: 200, dim: 16, scheme: .hash, operation: .mult, sizing: .collisions(2))
    let tables = try CompositionalFitter.fit(table.source, layout: layout).tables
    let evaluation = try TableEvaluator.evaluate(table.source, against: RuleTables(tables), precision: .f32, options: options())
    #expect(evaluation.baselines.map(\.method) == [.int8Rowwise, .float16, .hash])
    #expect(evaluation.omittedBaselines == [
      OmittedBaseline(method: .truncatedSVD, reason: "rank 1 takes (n + d)·4 = 864 bytes, more than the checkpoint's 128 tensor bytes")
    ])
    // The hash baseline at the same size is the fit itself.
    #expect(abs(evaluation.baselines[2].relativeFrobenius - evaluation.error.relativeFrobenius) < 1e-12)
  }

  @Test func aGramOverTheMemoryBudgetOmitsTheSVDAndHashSumsTakeMorePasses() throws {
    let table = TestTable.gaussian(rows: 100, dim: 8, seed: 3)
    var limited = options()
    limited.memoryBudget = 1000
    let tables = RuleTables(try stored(table))
    let evaluation = try TableEvaluator.evaluate(table.source, against: tables, precision: .f32, options: limited)
    // EᵀE and LAPACK's copy: 2·8·8·8 = 1024 bytes.
    #expect(evaluation.omittedBaselines.map(\.method) == [.truncatedSVD])
    #expect(evaluation.omittedBaselines[0].reason == "EᵀE for d = 8 needs 1024 bytes, more than the memory budget of 1000 (--memory)")
    // 29 buckets of 8 Double sums (64 bytes), 7 to a range of at most 500 bytes: 5 passes, the same figures.
    #expect(TableEvaluator.hashBucketRanges(buckets: 29, dim: 8, weighted: false, memoryBudget: 1000).count == 5)
    let ample = try TableEvaluator.evaluate(table.source, against: tables, precision: .f32, options: options())
    #expect(evaluation.baselines.last == ample.baselines.last && evaluation.baselines.last?.method == .hash)
    #expect(evaluation.error == ample.error && evaluation.neighbors == ample.neighbors)
  }

  @Test func aOneRowTableHasNoNeighbourCheck() throws {
    let table = TestTable(rows: 1, dim: 3, values: [1, 2, 3])
    let layout = try CompositionalLayout(rows: 1, dim: 3, scheme: .hash, operation: .mult, sizing: .collisions(1))
    let tables = try CompositionalFitter.fit(table.source, layout: layout).tables
    let evaluation = try TableEvaluator.evaluate(table.source, against: RuleTables(tables), precision: .f32, options: options())
    #expect(evaluation.neighbors == nil)
    #expect(evaluation.baselines.allSatisfy { $0.recallAtK == nil })
    #expect(evaluation.worstRows.map(\.id) == [0])
  }
}
