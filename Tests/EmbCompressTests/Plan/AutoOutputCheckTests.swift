import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `convert --auto` refuses outputs it could not write before it plans, not after. Each run
/// also gives counts of the wrong length, which only the plan reads: the refusal naming OUT
/// rather than the counts shows the outputs were checked first.
@Suite struct AutoOutputCheckTests {
  static let real = FixtureManifest.path("real/minilm_position_embeddings.h5")

  /// Counts for 3 ids, against the table's 512: the plan would refuse them (65).
  static func badCounts(in directory: TemporaryDirectory) throws -> String {
    let path = directory.file("counts.txt")
    try "1\n2\n3\n".write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  static func auto(_ out: String, counts: String, _ extra: [String] = []) throws -> CommandRunner.Result {
    try CommandRunner.run([real, out, "--auto", "--ratio", "4", "--counts", counts, "--seconds", "600"] + extra)
  }

  @Test func existingOutputWithoutForceIsRefusedBeforeThePlan() throws {
    let directory = try TemporaryDirectory()
    let out = directory.file("out.qr")
    try Data("keep".utf8).write(to: URL(fileURLWithPath: out))
    let result = try Self.auto(out, counts: try Self.badCounts(in: directory))
    #expect(result.status == 64, "\(result.stderr)")
    #expect(result.stderr == "embcompress: \(out): already exists; pass --force to replace it\n")
    #expect(try String(contentsOfFile: out, encoding: .utf8) == "keep")
    #expect(!FileManager.default.fileExists(atPath: out + ".report.json"))
  }

  @Test func unwritableFolderIsRefusedBeforeThePlan() throws {
    let directory = try TemporaryDirectory()
    let counts = try Self.badCounts(in: directory)
    guard getuid() == 0 else {
      let folder = try TemporaryDirectory()
      chmod(folder.path, 0o555)
      defer { chmod(folder.path, 0o755) }
      let result = try Self.auto(folder.file("out.qr"), counts: counts)
      #expect(result.status == 73, "\(result.stderr)")
      #expect(result.stderr.hasPrefix("embcompress: \(folder.file("out.qr")): cannot create: "), "\(result.stderr)")
      return
    }
    // Root writes through permissions, so use a read-only mount instead.
    try TemporaryMount.withTmpfs(options: "ro,size=64k") { folder in
      let result = try Self.auto(folder + "/out.qr", counts: counts)
      #expect(result.status == 73, "\(result.stderr)")
      #expect(result.stderr == "embcompress: \(folder)/out.qr: cannot create: Read-only file system\n")
    }
  }

  @Test func reportNamedLikeTheOutputIsRefusedBeforeThePlan() throws {
    let directory = try TemporaryDirectory()
    let out = directory.file("out.qr")
    let result = try Self.auto(out, counts: try Self.badCounts(in: directory), ["--report", directory.path + "/./out.qr"])
    #expect(result.status == 64, "\(result.stderr)")
    #expect(result.stderr.contains("is named for two outputs"), "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out))
  }

  @Test func outputOntoTheCountsIsRefusedBeforeThePlan() throws {
    let directory = try TemporaryDirectory()
    let counts = try Self.badCounts(in: directory)
    let result = try Self.auto(directory.file("out.qr"), counts: counts, ["--report", counts, "--force"])
    #expect(result.status == 64, "\(result.stderr)")
    #expect(result.stderr == "embcompress: \(counts): is the input file; choose another output\n")
    #expect(try String(contentsOfFile: counts, encoding: .utf8) == "1\n2\n3\n")
  }

  @Test(arguments: [
    ["--scheme", "gqr"], ["--operation", "add"], ["--collisions", "8"], ["--terms", "2"], ["--project", "16"],
    ["--exact-rows", "1%"], ["--precision", "f16"],
  ])
  func layoutOptionsDoNotApplyWithAuto(_ option: [String]) throws {
    let directory = try TemporaryDirectory()
    let result = try CommandRunner.run([Self.real, directory.file("o.qr"), "--auto", "--budget", "64K"] + option)
    #expect(result.status == 64, "\(option): \(result.stderr)")
    #expect(result.stderr.hasPrefix("embcompress: \(option[0]) does not apply with --auto"), "\(result.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
  }
}
