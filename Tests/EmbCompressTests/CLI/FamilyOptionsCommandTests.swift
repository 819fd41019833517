import Foundation
import Testing

/// `--terms`, `--project`, `--exact-rows` and `--counts` end to end through the built binary:
/// they fit, and every bad value is one line on stderr, exit 64 (usage) or 65 (data), and no file.
@Suite struct FamilyOptionsCommandTests {
  static let real = FixtureManifest.path("real/minilm_position_embeddings.h5")

  private func refused(_ arguments: [String], status: Int32, mentioning words: [String], counts: String? = nil) throws {
    let directory = try TemporaryDirectory()
    var extra: [String] = []
    if let counts {
      let path = directory.file("counts.txt")
      try counts.write(toFile: path, atomically: true, encoding: .utf8)
      extra = ["--counts", path]
    }
    let result = try CommandRunner.run([Self.real, directory.file("out.qr")] + arguments + extra)
    #expect(result.status == status, "\(arguments): \(result.stderr)")
    #expect(result.stderr.hasPrefix("embcompress: "), "\(result.stderr)")
    // One line says what is wrong; a usage error may add one hint line, a data error none.
    let lines = result.stderr.split(separator: "\n")
    #expect(lines.count == 1 || (status == 64 && lines.count == 2 && lines[1].hasPrefix("see 'embcompress")), "\(result.stderr)")
    let first = String(lines.first ?? "")
    for word in words { #expect(first.contains(word), "\(result.stderr) should say \(word)") }
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0 != "counts.txt" }.isEmpty)
  }

  static func lines(_ values: [String]) -> String { values.joined(separator: "\n") + "\n" }

  @Test func termsOtherThanMultAreRefused() throws {
    try refused(["--terms", "2", "--operation", "add"], status: 64, mentioning: ["--terms", "mult"])
    try refused(["--terms", "0"], status: 64, mentioning: ["--terms"])
  }

  @Test func projectionsOutsideOneToDimAreRefused() throws {
    try refused(["--project", "0"], status: 64, mentioning: ["--project"])
    try refused(["--project", "384"], status: 64, mentioning: ["--project", "383"])
  }

  @Test func badCountsAreRefusedNamingTheFile() throws {
    let good = Array(repeating: "1", count: 512)
    try refused([], status: 65, mentioning: ["counts.txt", "511"], counts: Self.lines(Array(good.dropLast())))
    try refused([], status: 65, mentioning: ["counts.txt", "negative"], counts: Self.lines(["-1"] + good.dropFirst()))
    try refused([], status: 65, mentioning: ["counts.txt", "nan"], counts: Self.lines(["nan"] + good.dropFirst()))
    try refused([], status: 65, mentioning: ["counts.txt", "zero"], counts: Self.lines(Array(repeating: "0", count: 512)))
  }

  @Test func theFamilyFitsAndWritesItsTensors() throws {
    let directory = try TemporaryDirectory()
    let counts = directory.file("counts.txt")
    try Self.lines((0..<512).map { String(1000 / ($0 + 1)) }).write(toFile: counts, atomically: true, encoding: .utf8)
    let out = directory.file("out.qr")
    let result = try CommandRunner.run([
      Self.real, out, "--terms", "2", "--project", "64", "--exact-rows", "1%", "--counts", counts, "--quiet",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(FileManager.default.fileExists(atPath: out))
  }
}
