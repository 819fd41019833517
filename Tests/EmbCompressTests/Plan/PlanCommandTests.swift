import Foundation
import Testing

/// `embcompress plan` and `convert --auto` through the built binary: the recommendation's
/// `argv`, run through `convert`, reproduces its error exactly; bad values are one line and 64.
@Suite struct PlanCommandTests {
  static let real = FixtureManifest.path("real/minilm_position_embeddings.h5")

  static func json(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
  }

  static func json(file path: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
  }

  /// Plans with `arguments`, converts with the recommendation's argv, and checks the errors agree.
  func reproduces(input: [String], goal: [String]) throws {
    let directory = try TemporaryDirectory()
    // No time limit to speak of: these check the figures, not the limit.
    let planned = try CommandRunner.run(
      ["plan"] + input + goal + ["--json", "--report", directory.file("plan.json"), "--seconds", "600"])
    #expect(planned.status == 0, "\(planned.stderr)")
    let plan = try Self.json(planned.stdout)
    #expect(try Self.json(file: directory.file("plan.json"))["verdict"] as? String == plan["verdict"] as? String)
    let pick = try #require(plan["recommended"] as? [String: Any], "\(plan["verdict"] ?? "")")
    #expect(pick["estimated"] as? Bool == false)
    let argv = try #require(pick["argv"] as? [String])
    for key in ["scheme", "operation", "bytes", "ratio", "relative_frobenius"] { #expect(pick[key] != nil, "\(key)") }
    let converted = try CommandRunner.run(
      ["convert", input[0], directory.file("out.qr")] + Array(input.dropFirst()) + argv + ["--json"])
    #expect(converted.status == 0, "\(converted.stderr)")
    let report = try Self.json(converted.stdout)
    let error = try #require((report["error"] as? [String: Any])?["relative_frobenius"] as? Double)
    #expect(error == pick["relative_frobenius"] as? Double, "convert \(error) against plan \(pick["relative_frobenius"] ?? "")")
    let tensorBytes = try #require((report["checkpoint"] as? [String: Any])?["tensor_bytes"] as? Int)
    #expect(tensorBytes == pick["bytes"] as? Int)
    // The frontier is by bytes, and every point is beaten by none in both bytes and error.
    let frontier = try #require(plan["frontier"] as? [[String: Any]])
    let bytes = frontier.compactMap { $0["bytes"] as? Int }
    let errors = frontier.compactMap { $0["relative_frobenius"] as? Double }
    #expect(bytes == bytes.sorted() && errors == errors.sorted(by: >))
    let baselines = try #require(plan["baselines"] as? [[String: Any]])
    #expect(Set(baselines.compactMap { $0["name"] as? String }).isSuperset(of: ["int8-rowwise", "float16"]))
  }

  @Test func realTableRecommendationReproducesThroughConvert() throws {
    try reproduces(input: [Self.real], goal: ["--ratio", "4"])
  }

  @Test func crossedTableRecommendationReproducesThroughConvert() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("crossed.f32")
    try HiddenStructureTables.write(.crossedAdd(k: 37), rows: 3001, dim: 8, to: path)
    try reproduces(input: [path, "--dim", "8"], goal: ["--target-error", "0.06"])
  }

  @Test func convertAutoRecordsThePlanAndItsError() throws {
    let directory = try TemporaryDirectory()
    let out = directory.file("auto.qr")
    let result = try CommandRunner.run([Self.real, out, "--auto", "--budget", "64K", "--seconds", "600", "--json"])
    #expect(result.status == 0, "\(result.stderr)")
    let report = try Self.json(result.stdout)
    let plan = try #require(report["plan"] as? [String: Any])
    let pick = try #require(plan["recommended"] as? [String: Any])
    #expect((report["error"] as? [String: Any])?["relative_frobenius"] as? Double == pick["relative_frobenius"] as? Double)
    #expect(((report["checkpoint"] as? [String: Any])?["tensor_bytes"] as? Int ?? .max) <= 65536)
    #expect(FileManager.default.fileExists(atPath: out + ".report.json"))
  }

  /// On positions at 4× the pick is a projected multi-term rule (round 2 measured projection +
  /// R-term qr at 0.107 against 0.49 for one term); `--auto` must convert with its terms and
  /// projection, not only its scheme and sizing.
  @Test func convertAutoMakesAMultiTermPickWithItsTermsAndProjection() throws {
    let directory = try TemporaryDirectory()
    let out = directory.file("auto.qr")
    let result = try CommandRunner.run([Self.real, out, "--auto", "--ratio", "4", "--seconds", "600", "--json"])
    #expect(result.status == 0, "\(result.stderr)")
    let report = try Self.json(result.stdout)
    let pick = try #require((report["plan"] as? [String: Any])?["recommended"] as? [String: Any])
    let argv = try #require(pick["argv"] as? [String])
    #expect(argv.contains("--terms") || argv.contains("--project"), "\(argv)")
    #expect((report["error"] as? [String: Any])?["relative_frobenius"] as? Double == pick["relative_frobenius"] as? Double)
    #expect((report["checkpoint"] as? [String: Any])?["tensor_bytes"] as? Int == pick["bytes"] as? Int)
  }

  @Test func unreachableTargetErrorExitsSixtyFiveNamingTheBest() throws {
    let directory = try TemporaryDirectory()
    let out = directory.file("never.qr")
    let result = try CommandRunner.run([Self.real, out, "--auto", "--target-error", "0.000001", "--seconds", "20"])
    #expect(result.status == 65)
    #expect(result.stderr.hasPrefix("embcompress: "))
    #expect(result.stderr.contains("the best reached is"), "\(result.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
  }

  @Test(arguments: [
    ["--budget", "-5"], ["--budget", "0"], ["--budget", "lots"], ["--target-error", "0"], ["--target-error", "-0.1"],
    ["--target-error", "nan"], ["--ratio", "0"], ["--ratio", "-2"], ["--seconds", "0"], ["--budget", "1M", "--ratio", "4"],
  ])
  func badValuesAreOneLineAndUsage(_ arguments: [String]) throws {
    let directory = try TemporaryDirectory()
    let report = directory.file("plan.json")
    let result = try CommandRunner.run(["plan", Self.real, "--report", report, "--html", directory.file("p.html")] + arguments)
    #expect(result.status == 64, "\(arguments): \(result.stderr)")
    #expect(result.stderr.hasPrefix("embcompress: "), "\(result.stderr)")
    #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
  }

  @Test func inputOptionsThatDoNotApplyAreRefused() throws {
    let result = try CommandRunner.run(["plan", Self.real, "--dim", "4"])
    #expect(result.status == 64)
    #expect(result.stderr.hasPrefix("embcompress: --dim only applies to raw"), "\(result.stderr)")
  }

  @Test func convertGoalOptionsNeedAuto() throws {
    let directory = try TemporaryDirectory()
    let result = try CommandRunner.run([Self.real, directory.file("o.qr"), "--budget", "64K"])
    #expect(result.status == 64)
    #expect(result.stderr.hasPrefix("embcompress: ") && result.stderr.contains("--auto"))
  }

  @Test func htmlIsOnePageWithTheChartAndNoScripts() throws {
    let directory = try TemporaryDirectory()
    let page = directory.file("plan.html")
    let result = try CommandRunner.run(["plan", Self.real, "--ratio", "8", "--html", page, "--quiet", "--seconds", "600"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.isEmpty)
    let html = try String(contentsOfFile: page, encoding: .utf8)
    #expect(html.contains("<svg") && html.contains("log scale"))
    #expect(!html.contains("<script") && !html.contains("http"))
  }

  @Test func summaryShowsFrontierVerdictAndCommand() throws {
    let result = try CommandRunner.run(["plan", Self.real, "--budget", "100K", "--seconds", "600"])
    #expect(result.status == 0, "\(result.stderr)")
    for word in ["frontier", "baselines", "verdict", "command     embcompress "] {
      #expect(result.stdout.contains(word), "\(word)")
    }
  }
}
