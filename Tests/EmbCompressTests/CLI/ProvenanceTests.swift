import EmbCompress
import Foundation
import Testing

/// What made each file: the report's `tool`, `command` and `verdict`, the `.qr`'s `producer`,
/// all from the one version constant `--version` prints.
@Suite struct ProvenanceTests {
  static let real = FixtureManifest.path("real/minilm_position_embeddings.h5")

  private func json(_ path: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
  }

  @Test func reportAndCheckpointSayWhatMadeThem() throws {
    let directory = try TemporaryDirectory()
    let out = directory.file("out.qr")
    let arguments = [Self.real, out, "--collisions", "8", "--seed", "3"]
    let result = try CommandRunner.run(arguments)
    #expect(result.status == 0, "\(result.stderr)")
    let version = try CommandRunner.run(["--version"]).stdout.trimmingCharacters(in: .newlines)
    #expect(version == EmbCompressVersion.version)

    let report = try json(out + ".report.json")
    let tool = try #require(report["tool"] as? [String: Any])
    #expect(tool["name"] as? String == "embcompress")
    #expect(tool["version"] as? String == version)
    #expect(report["command"] as? [String] == [CommandRunner.executable.path] + arguments)
    #expect(report["subcommand"] as? String == "convert")
    // The summary's verdict line and the JSON's verdict are the same sentence.
    let verdict = try #require(report["verdict"] as? String)
    let line = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("  verdict") })
    #expect(line.hasSuffix("  " + verdict))

    let table = try CompressedTable(contentsOf: out)
    #expect(table.metadata.entries["producer"] == "embcompress \(version)")
    let inspected = try CommandRunner.run(["inspect", out, "--json"])
    let summary = try #require(try JSONSerialization.jsonObject(with: Data(inspected.stdout.utf8)) as? [String: Any])
    #expect(summary["producer"] as? String == "embcompress \(version)")
    #expect(try CommandRunner.run(["inspect", out]).stdout.contains("  producer        embcompress \(version)\n"))
  }

  @Test func evaluateRecordsItsOwnCommand() throws {
    let directory = try TemporaryDirectory()
    let out = directory.file("out.qr")
    #expect(try CommandRunner.run([Self.real, out, "--quiet"]).status == 0)
    let again = directory.file("again.json")
    let arguments = ["evaluate", Self.real, out, "--report", again]
    #expect(try CommandRunner.run(arguments + ["--quiet"]).status == 0)
    let report = try json(again)
    #expect(report["command"] as? [String] == [CommandRunner.executable.path] + arguments + ["--quiet"])
    #expect(report["subcommand"] as? String == "evaluate")
    #expect((report["verdict"] as? String)?.isEmpty == false)
    #expect((report["tool"] as? [String: Any])?["version"] as? String == EmbCompressVersion.version)
  }
}
