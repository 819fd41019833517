import EmbCompress
import Foundation
import Testing

/// `plan --counts` and `convert --auto --counts`: every candidate is fitted with the counts as
/// weights and judged on the weighted error; the recommendation's argv carries `--counts`, and
/// `convert` of it reproduces both its errors exactly.
@Suite struct PlanCountsTests {
  static let rows = 3001
  static let dim = 8

  /// A crossed table under heavy noise (the noise carries 4× the signal's energy), so no
  /// compact table fits every row and weighting decides which rows are served.
  static func writeTable(to path: String) throws {
    try HiddenStructureTables.write(.crossedMult(k: 37), rows: rows, dim: dim, to: path, noise: 2)
  }

  /// Zipf(1.1) counts over a seeded random order of the ids, as integers (the top id 5,000
  /// lookups); 696 ids (about a quarter) are never looked up.
  static func zipfCounts(rows: Int, seed: UInt64 = 7) -> [Double] {
    var random = TestRandom(seed: seed)
    var order = Array(0..<rows)
    for i in stride(from: rows - 1, to: 0, by: -1) { order.swapAt(i, Int(random.next32()) % (i + 1)) }
    var counts = [Double](repeating: 0, count: rows)
    for (rank, id) in order.enumerated() { counts[id] = (5000 / pow(Double(rank + 1), 1.1)).rounded(.down) }
    return counts
  }

  static func writeCounts(_ counts: [Double], to path: String) throws {
    try counts.map { String(Int($0)) }.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
  }

  @Test func zipfCountsLeaveSomeIdsUnseen() {
    let counts = Self.zipfCounts(rows: Self.rows)
    #expect(counts.filter { $0 == 0 }.count == 696 && counts.max() == 5000)
  }

  @Test func recommendationCarriesCountsAndReproducesBothErrorsThroughConvert() throws {
    let directory = try TemporaryDirectory()
    let table = directory.file("table.f32")
    let counts = directory.file("counts.txt")
    try Self.writeTable(to: table)
    try Self.writeCounts(Self.zipfCounts(rows: Self.rows), to: counts)
    let planned = try CommandRunner.run(
      ["plan", table, "--dim", "8", "--ratio", "8", "--counts", counts, "--json", "--seconds", "600"])
    #expect(planned.status == 0, "\(planned.stderr)")
    let plan = try PlanCommandTests.json(planned.stdout)
    #expect((plan["goal"] as? [String: Any])?["error"] as? String == "weighted_relative_frobenius")
    #expect((plan["counts"] as? [String: Any])?["path"] as? String == counts)
    let candidates = try #require(plan["candidates"] as? [[String: Any]])
    for candidate in candidates {
      #expect(candidate["weighted_relative_frobenius"] as? Double != nil, "\(candidate["label"] ?? "")")
      #expect((candidate["argv"] as? [String])?.suffix(2) == ["--counts", counts])
    }
    // The frontier is judged on the weighted error.
    let frontier = try #require(plan["frontier"] as? [[String: Any]])
    let weighted = frontier.compactMap { $0["weighted_relative_frobenius"] as? Double }
    #expect(weighted.count == frontier.count && weighted == weighted.sorted(by: >))
    let baselines = try #require(plan["baselines"] as? [[String: Any]])
    #expect(baselines.allSatisfy { $0["weighted_relative_frobenius"] as? Double != nil })
    #expect((plan["verdict"] as? String)?.contains("weighted relative error") == true, "\(plan["verdict"] ?? "")")

    let pick = try #require(plan["recommended"] as? [String: Any], "\(plan["verdict"] ?? "")")
    #expect(pick["estimated"] as? Bool == false)
    // The pick has the lowest weighted error of the exact candidates within the budget.
    let budget = try #require((plan["goal"] as? [String: Any])?["budget"] as? Int)
    let exactWithin = candidates.filter { $0["estimated"] as? Bool == false && ($0["bytes"] as? Int ?? .max) <= budget }
    let lowest = exactWithin.compactMap { $0["weighted_relative_frobenius"] as? Double }.min()
    #expect(pick["weighted_relative_frobenius"] as? Double == lowest)

    let argv = try #require(pick["argv"] as? [String])
    let converted = try CommandRunner.run(["convert", table, directory.file("out.qr"), "--dim", "8"] + argv + ["--json"])
    #expect(converted.status == 0, "\(converted.stderr)")
    let report = try PlanCommandTests.json(converted.stdout)
    let weightedError = try #require((report["weighted"] as? [String: Any])?["relative_frobenius"] as? Double)
    #expect(weightedError == pick["weighted_relative_frobenius"] as? Double, "convert \(weightedError), plan \(pick)")
    #expect((report["error"] as? [String: Any])?["relative_frobenius"] as? Double == pick["relative_frobenius"] as? Double)
    #expect((report["checkpoint"] as? [String: Any])?["tensor_bytes"] as? Int == pick["bytes"] as? Int)
  }

  @Test func weightingPaysOnTheCountedRows() throws {
    let directory = try TemporaryDirectory()
    let table = directory.file("table.f32")
    let countsPath = directory.file("counts.txt")
    try Self.writeTable(to: table)
    let counts = Self.zipfCounts(rows: Self.rows)
    try Self.writeCounts(counts, to: countsPath)
    var options = TableOpenOptions()
    options.raw.dim = Self.dim
    let weighted = try PlanSearch.run(
      PlanRequest(input: table, inputOptions: options, ratio: 8, seconds: 600, counts: CountsRequest(path: countsPath)))
    let plain = try PlanSearch.run(PlanRequest(input: table, inputOptions: options, ratio: 8, seconds: 600))
    let weightedPick = try #require(weighted.recommended)
    let plainPick = try #require(plain.recommended)
    #expect(plainPick.weightedRelativeFrobenius == nil)
    // The plain pick, fitted as the plain plan fits it and measured by the counts.
    let source = try openTable(table, options: options)
    let fitted = try RuleFitter.fit(source, rule: try plainPick.rule.rule(rows: Self.rows, dim: Self.dim))
    let measured = try ReconstructionEvaluator.measure(source, against: fitted.tables.rounded(to: .f32), counts: counts)
    let plainWeighted = try #require(measured.weighted?.relativeFrobenius)
    #expect(
      try #require(weightedPick.weightedRelativeFrobenius) < 0.9 * plainWeighted,
      "weighted plan \(weightedPick.rule.label) \(weightedPick.weightedRelativeFrobenius ?? 0), plain plan \(plainPick.rule.label) \(plainWeighted)")
  }

  @Test func convertAutoWithCountsRecordsTheWeightedPick() throws {
    let directory = try TemporaryDirectory()
    let table = directory.file("table.f32")
    let counts = directory.file("counts.txt")
    try Self.writeTable(to: table)
    try Self.writeCounts(Self.zipfCounts(rows: Self.rows), to: counts)
    let out = directory.file("auto.qr")
    let result = try CommandRunner.run(
      [table, out, "--dim", "8", "--auto", "--ratio", "8", "--counts", counts, "--seconds", "600", "--json"])
    #expect(result.status == 0, "\(result.stderr)")
    let report = try PlanCommandTests.json(result.stdout)
    let pick = try #require((report["plan"] as? [String: Any])?["recommended"] as? [String: Any])
    #expect((report["weighted"] as? [String: Any])?["relative_frobenius"] as? Double == pick["weighted_relative_frobenius"] as? Double)
    #expect((report["error"] as? [String: Any])?["relative_frobenius"] as? Double == pick["relative_frobenius"] as? Double)
  }

  @Test func countsOfTheWrongLengthAreOneLineAndNothingWritten() throws {
    let directory = try TemporaryDirectory()
    let table = directory.file("table.f32")
    let counts = directory.file("counts.txt")
    try Self.writeTable(to: table)
    try Self.writeCounts(Array(Self.zipfCounts(rows: Self.rows).dropLast()), to: counts)
    let report = directory.file("plan.json")
    let result = try CommandRunner.run(["plan", table, "--dim", "8", "--counts", counts, "--report", report])
    #expect(result.status == 65, "\(result.stderr)")
    #expect(result.stderr.hasPrefix("embcompress: \(counts): ") && result.stderr.split(separator: "\n").count == 1)
    #expect(!FileManager.default.fileExists(atPath: report))
  }
}
