import Crypto
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Writing onto a full file system fails clearly and leaves nothing, on a tiny tmpfs mounted for
/// the test.
@Suite(.serialized) struct FullDiskTests {
  static let real = FixtureManifest.path("real/minilm_position_embeddings.h5")

  private func digest(_ path: String) throws -> String {
    SHA256.hash(data: try Data(contentsOf: URL(fileURLWithPath: path))).description
  }

  @Test func checkpointTooBigForTheDiskIsAnIOError() throws {
    let before = try digest(Self.real)
    try TemporaryMount.withTmpfs(options: "size=64k") { folder in
      // The default qr checkpoint of the real table is about 200 KB.
      let result = try CommandRunner.run([Self.real, folder + "/out.qr"])
      #expect(result.status == 74)
      #expect(result.stderr.hasPrefix("embcompress: \(folder)/out.qr: write failed: No space left on device"))
      #expect(result.stderr.split(separator: "\n").count == 1)
      #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }
    #expect(try digest(Self.real) == before)
  }

  @Test func reportThatDoesNotFitTakesTheCheckpointWithIt() throws {
    try TemporaryMount.withTmpfs(options: "size=4k") { folder in
      // A 3 KB checkpoint fits in the one page; its report does not.
      let result = try CommandRunner.run([Self.real, folder + "/out.qr", "--scheme", "hash", "--collisions", "2"])
      #expect(result.status == 74)
      #expect(result.stderr.contains("No space left on device"))
      #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }
  }

  @Test func expandOntoAFullDiskLeavesNothing() throws {
    try TemporaryMount.withTmpfs(options: "size=64k") { folder in
      let result = try CommandRunner.run(
        ["expand", FixtureManifest.path("bad-qr/good_qr_mult_f32.qr"), folder + "/t.f32", "--rows", "0:1"])
      // A tiny expansion fits; a full one of the real table's size would not.
      #expect(result.status == 0)
      let converted = try CommandRunner.run([Self.real, "/tmp/embcompress-fulldisk-\(getpid()).qr", "--force", "--quiet"])
      #expect(converted.status == 0)
      defer {
        unlink("/tmp/embcompress-fulldisk-\(getpid()).qr")
        unlink("/tmp/embcompress-fulldisk-\(getpid()).qr.report.json")
      }
      let big = try CommandRunner.run(["expand", "/tmp/embcompress-fulldisk-\(getpid()).qr", folder + "/big.npy"])
      #expect(big.status == 74)
      #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["t.f32"])
    }
  }
}
