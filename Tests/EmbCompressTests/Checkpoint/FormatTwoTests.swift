import EmbCompress
import Foundation
import Testing

/// Format 2 as written by `Checkpoint` and read back by `CompressedTable`: every tensor bit for
/// bit, the rows the rule rebuilds, and format 1 kept for plain rules.
@Suite struct FormatTwoTests {
  /// Two qr mult terms 3 wide, a 3 × 5 projection and two exact rows, with seeded values.
  private func tables(projection: Bool = true, exact: Bool = true) throws -> RuleTables {
    let rule = try TableRule(
      rows: 23, dim: 5, scheme: .qr, operation: .mult, sizing: .collisions(4), terms: 2,
      projectionRank: projection ? 3 : nil, exactRowCount: exact ? 2 : 0)
    var random = TestRandom(seed: 7)
    func values(_ count: Int) -> [Float] { (0..<count).map { _ in Float(random.uniform() * 3 - 1.5) } }
    let terms = rule.terms.map { CompositionalTables(layout: $0, weights: $0.partitions.map { values($0.parameterCount) }) }
    return RuleTables(
      rule: rule, terms: terms, projection: projection ? values(3 * 5) : [], exactIDs: exact ? [4, 19] : [],
      exactRows: exact ? values(2 * 5) : [])
  }

  @Test(arguments: StoragePrecision.allCases)
  func roundTripsEveryTensorAndRow(_ precision: StoragePrecision) throws {
    let written = try tables()
    let checkpoint = Checkpoint(tables: written, precision: precision, source: "s", relativeError: 0.5)
    let bytes = checkpoint.serialized()
    let table = try bytes.withUnsafeBytes { try CompressedTable(bytes: $0, path: "t.qr") }
    let stored = written.rounded(to: precision)

    #expect(table.metadata.format == "embcompress.qr/2")
    #expect(table.rule == written.rule)
    #expect(table.precision == precision)
    #expect(table.tensorBytes == written.rule.tensorBytes(precision: precision))
    #expect(table.tables.terms.map { $0.weights.map { $0.map(\.bitPattern) } } == stored.terms.map { $0.weights.map { $0.map(\.bitPattern) } })
    #expect(table.tables.projection.map(\.bitPattern) == stored.projection.map(\.bitPattern))
    #expect(table.tables.exactIDs == [4, 19])
    // Exact rows stay float32 whatever the precision.
    #expect(table.tables.exactRows.map(\.bitPattern) == written.exactRows.map(\.bitPattern))

    var rebuilt = [Float](repeating: 0, count: 23 * 5)
    try rebuilt.withUnsafeMutableBufferPointer { try table.rows(0..<23, into: $0) }
    #expect(Array(rebuilt[(4 * 5)..<(5 * 5)]) == Array(written.exactRows[0..<5]))
    #expect(Array(rebuilt[(19 * 5)..<(20 * 5)]) == Array(written.exactRows[5..<10]))
    // Any other row: the terms summed, then projected left to right, one rounding each.
    let id = 9
    let width = 3
    var sum = [Float](repeating: 0, count: width)
    for term in stored.terms {
      let q = term.weights[0], r = term.weights[1]
      for k in 0..<width { sum[k] += q[(id / 4) * width + k] * r[(id % 4) * width + k] }
    }
    var expected = [Float](repeating: 0, count: 5)
    for c in 0..<5 {
      var value = sum[0] * stored.projection[c]
      for k in 1..<width { value += sum[k] * stored.projection[k * 5 + c] }
      expected[c] = value
    }
    #expect(Array(rebuilt[(id * 5)..<((id + 1) * 5)]).map(\.bitPattern) == expected.map(\.bitPattern))
  }

  @Test func statesTheRuleInItsMetadata() throws {
    let bytes = Checkpoint(tables: try tables(), precision: .f16, source: "s", relativeError: 0).serialized()
    let header = try bytes.withUnsafeBytes { try SafetensorsHeader(bytes: $0, path: "t.qr") }
    #expect(header.tensors.map(\.name) == [
      "term0.weight_q", "term0.weight_r", "term1.weight_q", "term1.weight_r", "projection", "exact_ids", "exact_rows",
    ])
    #expect(header.tensors.map(\.dtype.rawValue) == ["F16", "F16", "F16", "F16", "F16", "I64", "F32"])
    #expect(header.metadata["operation"] == nil)
    #expect(header.metadata["partitions"] == nil)
    #expect(header.metadata["projection"] == #"{"rank":3}"#)
    #expect(header.metadata["exact_rows"] == #"{"count":2}"#)
    let terms = try #require(try JSONSerialization.jsonObject(with: Data(header.metadata["terms"]!.utf8)) as? [[String: Any]])
    #expect(terms.map { $0["operation"] as? String } == ["mult", "mult"])
  }

  @Test func aPlainRuleStaysFormatOne() throws {
    let rule = try TableRule(rows: 23, dim: 5, scheme: .qr, operation: .mult, sizing: .collisions(4))
    #expect(rule.isPlain)
    #expect(rule.tensors.map(\.name) == ["weight_q", "weight_r"])
    let tables = RuleTables(rule: rule, terms: [CompositionalTables(identityFor: rule.terms[0])])
    let bytes = Checkpoint(tables: tables, precision: .f32, source: "s", relativeError: 0).serialized()
    let table = try bytes.withUnsafeBytes { try CompressedTable(bytes: $0, path: "t.qr") }
    #expect(table.metadata.format == "embcompress.qr/1")
  }

  @Test func ratioCountsEveryByte() throws {
    // 4× of a 512 × 384 float32 table, with 2 terms, a rank-64 projection and 5 exact rows.
    let rule = try TableRule(
      rows: 512, dim: 384, scheme: .qr, operation: .mult, sizing: .ratio(4), terms: 2, projectionRank: 64, exactRowCount: 5)
    let bytes = rule.tensorBytes(precision: .f32)
    #expect(bytes <= 512 * 384 * 4 / 4)
    #expect(bytes == 2 * rule.terms[0].parameterCount * 4 + 64 * 384 * 4 + 5 * (384 * 4 + 8))
  }

  @Test func refusesOptionsThatCannotWork() {
    func message(_ body: () throws -> TableRule) -> String? {
      do { _ = try body(); return nil } catch let error as EmbCompressError { return error.message } catch { return "\(error)" }
    }
    #expect(message { try TableRule(rows: 100, dim: 8, scheme: .qr, operation: .add, terms: 2) }?.contains("needs --operation mult") == true)
    #expect(message { try TableRule(rows: 100, dim: 8, scheme: .hash, operation: .mult, terms: 2) }?.contains("two or more partitions") == true)
    #expect(message { try TableRule(rows: 100, dim: 8, scheme: .qr, operation: .mult, projectionRank: 8) }?.contains("--project must be between 1 and dim − 1 = 7") == true)
    #expect(message { try TableRule(rows: 100, dim: 8, scheme: .qr, operation: .mult, exactRowCount: 100) }?.contains("--exact-rows must leave") == true)
  }
}
