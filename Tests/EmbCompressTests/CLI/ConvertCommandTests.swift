import Foundation
import Testing

/// `embcompress IN OUT` end to end through the built binary.
@Suite struct ConvertCommandTests {
  static let real = FixtureManifest.path("real/minilm_position_embeddings.h5")

  private func files(in directory: TemporaryDirectory) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
  }

  @Test func convertsTheRealTableWithDefaults() throws {
    let directory = try TemporaryDirectory()
    let out = directory.file("out.qr")
    let result = try CommandRunner.run([Self.real, out])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try files(in: directory) == ["out.qr", "out.qr.report.json"])
    #expect(result.stdout.contains("qr mult, weight_q 128×384, weight_r 4×384 f32"))
    #expect(result.stdout.contains("relative Frobenius"))
    let report = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + ".report.json"))) as? [String: Any])
    #expect(report["format"] as? String == "embcompress.report/1")
    let ratio = try #require(report["compression_ratio"] as? Double)
    #expect(abs(ratio - 512.0 / 132.0) < 1e-9)
    for key in ["input", "checkpoint", "error", "fit"] { #expect(report[key] != nil, "\(key)") }
  }

  @Test func convertSubcommandIsTheSameAsTheDefault() throws {
    let directory = try TemporaryDirectory()
    let a = try CommandRunner.run(["convert", Self.real, directory.file("a.qr"), "--quiet"])
    let b = try CommandRunner.run([Self.real, directory.file("b.qr"), "--quiet"])
    #expect(a.status == 0 && b.status == 0)
    #expect(a.stdout.isEmpty && b.stdout.isEmpty)
    #expect(FileManager.default.contents(atPath: directory.file("a.qr")) == FileManager.default.contents(atPath: directory.file("b.qr")))
  }

  @Test func jsonPrintsTheReport() throws {
    let directory = try TemporaryDirectory()
    let result = try CommandRunner.run([Self.real, directory.file("o.qr"), "--json", "--report", directory.file("r.json")])
    #expect(result.status == 0)
    let printed = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    #expect(printed?["format"] as? String == "embcompress.report/1")
    #expect(FileManager.default.fileExists(atPath: directory.file("r.json")))
  }

  @Test func existingOutputIsKeptWithoutForce() throws {
    let directory = try TemporaryDirectory()
    let out = directory.file("out.qr")
    FileManager.default.createFile(atPath: out, contents: Data("precious".utf8))
    let refused = try CommandRunner.run([Self.real, out])
    #expect(refused.status == 64)
    #expect(refused.stderr == "embcompress: \(out): already exists; pass --force to replace it\n")
    #expect(FileManager.default.contents(atPath: out) == Data("precious".utf8))
    #expect(try files(in: directory) == ["out.qr"])

    let forced = try CommandRunner.run([Self.real, out, "--force", "--quiet"])
    #expect(forced.status == 0)
    #expect(FileManager.default.contents(atPath: out) != Data("precious".utf8))
  }

  @Test func existingReportIsKeptWithoutForce() throws {
    let directory = try TemporaryDirectory()
    let report = directory.file("out.qr.report.json")
    FileManager.default.createFile(atPath: report, contents: Data("{}".utf8))
    let refused = try CommandRunner.run([Self.real, directory.file("out.qr")])
    #expect(refused.status == 64)
    #expect(try files(in: directory) == ["out.qr.report.json"])
  }

  @Test func outputEqualToInputIsRefused() throws {
    let directory = try TemporaryDirectory()
    let input = directory.file("table.npy")
    try FileManager.default.copyItem(atPath: FixtureManifest.path("npy/v1_f32.npy"), toPath: input)
    let before = FileManager.default.contents(atPath: input)
    for output in [input, directory.path + "/./table.npy"] {
      let result = try CommandRunner.run([input, output, "--force"])
      #expect(result.status == 64, "\(output)")
      #expect(FileManager.default.contents(atPath: input) == before)
    }
    try FileManager.default.createSymbolicLink(atPath: directory.file("link.qr"), withDestinationPath: input)
    let linked = try CommandRunner.run([input, directory.file("link.qr"), "--force"])
    #expect(linked.status == 64)
    #expect(FileManager.default.contents(atPath: input) == before)
  }

  @Test func missingOutputFolderCannotBeCreated() throws {
    let result = try CommandRunner.run([Self.real, "/nonexistent-folder/out.qr"])
    #expect(result.status == 73)
    #expect(result.stderr == "embcompress: /nonexistent-folder/out.qr: cannot create: its folder does not exist\n")
  }

  @Test func badInputLeavesNoOutput() throws {
    let directory = try TemporaryDirectory()
    for bad in FixtureManifest.shared.bad {
      let result = try CommandRunner.run([FixtureManifest.path(bad.file), directory.file("out.qr")] + bad.args)
      #expect(result.status == bad.exit, "\(bad.file)")
      #expect(result.stderr.split(separator: "\n").count == 1)
      #expect(try files(in: directory).isEmpty, "\(bad.file)")
    }
  }

  @Test(arguments: [
    (["--moduli", "5,5", "--scheme", "gqr"], "--moduli 5·5 = 25 is less than the 512 rows"),
    (["--moduli", "8,12,9", "--scheme", "crt"], "share the factor 4; crt needs pairwise coprime moduli"),
    (["--operation", "concat", "--concat-dims", "100,100"], "--concat-dims sum to 200, not the table's dim 384"),
    (["--collisions", "0"], "--collisions must be at least 1, not 0"),
    (["--collisions", "513"], "--collisions 513 is more than the table's 512 rows"),
    (["--collisions", "4", "--ratio", "3"], "exclude each other"),
    (["--concat-dims", "192,192"], "--concat-dims only applies to --operation concat"),
    (["--scheme", "zip"], "zip"),
    (["--precision", "f8"], "f8"),
    (["--memory", "lots"], "lots"),
    (["--threads", "0"], "--threads must be at least 1"),
  ])
  func badFitOptionsAreUsageErrors(arguments: [String], message: String) throws {
    let directory = try TemporaryDirectory()
    let result = try CommandRunner.run([Self.real, directory.file("out.qr")] + arguments)
    #expect(result.status == 64)
    #expect(result.stderr.contains(message), "\(result.stderr)")
    #expect(try files(in: directory).isEmpty)
  }
}
