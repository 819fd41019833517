import Foundation
import Testing

/// `embcompress evaluate` and `--html` end to end through the built binary.
@Suite struct EvaluateCommandTests {
  static let real = FixtureManifest.path("real/minilm_position_embeddings.h5")

  private func json(_ path: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
  }

  @Test func evaluateMeasuresWhatConvertMeasured() throws {
    let directory = try TemporaryDirectory()
    let out = directory.file("out.qr")
    let converted = try CommandRunner.run([Self.real, out, "--precision", "f16", "--seed", "3", "--quiet"])
    #expect(converted.status == 0, "\(converted.stderr)")
    let again = directory.file("again.json")
    let evaluated = try CommandRunner.run(["evaluate", Self.real, out, "--report", again, "--seed", "3"])
    #expect(evaluated.status == 0, "\(evaluated.stderr)")
    #expect(evaluated.stdout.contains("ranking     ranks "))
    #expect(evaluated.stdout.contains("baselines   qr-mult (this fit)"))

    let first = try json(out + ".report.json")
    let second = try json(again)
    #expect(first["subcommand"] as? String == "convert")
    #expect(second["subcommand"] as? String == "evaluate")
    #expect(second["fit"] is NSNull)
    #expect(first["fit"] is [String: Any])
    for key in ["error", "baselines", "baselines_omitted", "neighbors", "worst_rows", "histogram", "compression_ratio", "input"] {
      #expect(
        try JSONSerialization.data(withJSONObject: [first[key]!], options: .sortedKeys)
          == JSONSerialization.data(withJSONObject: [second[key]!], options: .sortedKeys), "\(key)")
    }
    let checkpoint = try #require(second["checkpoint"] as? [String: Any])
    #expect(checkpoint["path"] as? String == out)
    #expect(checkpoint["precision"] as? String == "f16")
    #expect(checkpoint["bytes"] as? Int == (try FileManager.default.attributesOfItem(atPath: out)[.size] as? Int))
  }

  @Test func aTableOfAnotherShapeIsRefusedNamingBoth() throws {
    let directory = try TemporaryDirectory()
    let out = directory.file("out.qr")
    #expect(try CommandRunner.run([Self.real, out, "--quiet"]).status == 0)
    let other = FixtureManifest.path("h5/contiguous_f32.h5")
    let result = try CommandRunner.run(["evaluate", other, out, "--report", directory.file("r.json")])
    #expect(result.status == 65)
    #expect(result.stderr == "embcompress: \(other): the table is 37 × 6, but \(out) rebuilds 512 × 384; evaluate needs the table the checkpoint was made from\n")
    #expect(!FileManager.default.fileExists(atPath: directory.file("r.json")))
  }

  @Test func anExistingReportIsKeptWithoutForce() throws {
    let directory = try TemporaryDirectory()
    let out = directory.file("out.qr")
    #expect(try CommandRunner.run([Self.real, out, "--quiet"]).status == 0)
    let before = FileManager.default.contents(atPath: out + ".report.json")
    let refused = try CommandRunner.run(["evaluate", Self.real, out])
    #expect(refused.status == 64)
    #expect(refused.stderr == "embcompress: \(out).report.json: already exists; pass --force to replace it\n")
    #expect(FileManager.default.contents(atPath: out + ".report.json") == before)
    let forced = try CommandRunner.run(["evaluate", Self.real, out, "--force", "--json"])
    #expect(forced.status == 0)
    let printed = try #require(try JSONSerialization.jsonObject(with: Data(forced.stdout.utf8)) as? [String: Any])
    #expect(printed["subcommand"] as? String == "evaluate")
    #expect(try DenseTableFile.listing(directory) == ["out.qr", "out.qr.report.json"])
  }

  @Test(arguments: QRFixtureManifest.shared.bad.prefix(5))
  func aDamagedCheckpointIsRefused(_ fixture: QRFixtureManifest.Bad) throws {
    let directory = try TemporaryDirectory()
    let bad = FixtureManifest.path(fixture.file)
    let result = try CommandRunner.run(["evaluate", Self.real, bad, "--report", directory.file("r.json")])
    #expect(result.status == fixture.exit)
    #expect(result.stderr.hasPrefix("embcompress: \(bad): "))
    #expect(result.stderr.contains(fixture.detail))
    #expect(try DenseTableFile.listing(directory).isEmpty)
  }

  @Test func htmlIsWrittenWithTheReport() throws {
    let directory = try TemporaryDirectory()
    let out = directory.file("out.qr")
    let page = directory.file("report.html")
    let result = try CommandRunner.run([Self.real, out, "--html", page])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("report      \(out).report.json, \(page)"))
    #expect(try DenseTableFile.listing(directory) == ["out.qr", "out.qr.report.json", "report.html"])
    let html = try String(contentsOfFile: page, encoding: .utf8)
    let report = try json(out + ".report.json")
    let error = try #require((report["error"] as? [String: Any])?["relative_frobenius"] as? Double)
    #expect(html.contains(String(format: "%.3g", error)))
    #expect(html.contains("<svg") && html.contains("int8-rowwise") && html.contains("truncated-svd"))
    #expect(!html.contains("<script") && !html.contains("http://") && !html.contains("https://"))

    let evaluated = try CommandRunner.run(["evaluate", Self.real, out, "--report", directory.file("e.json"), "--html", directory.file("e.html"), "--quiet"])
    #expect(evaluated.status == 0)
    #expect(try String(contentsOfFile: directory.file("e.html"), encoding: .utf8).contains("embcompress evaluate"))
  }

  @Test func outputsMayNotCollide() throws {
    let directory = try TemporaryDirectory()
    let out = directory.file("out.qr")
    let result = try CommandRunner.run([Self.real, out, "--html", out + ".report.json"])
    #expect(result.status == 64)
    #expect(result.stderr.contains("is named for two outputs"))
    #expect(try DenseTableFile.listing(directory).isEmpty)
  }
}
