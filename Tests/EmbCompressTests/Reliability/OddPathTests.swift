import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Outputs that cannot or must not be written are refused before any work, with one clear line.
@Suite struct OddPathTests {
  static let real = FixtureManifest.path("real/minilm_position_embeddings.h5")

  @Test func outputThatIsADirectoryIsRefused() throws {
    let directory = try TemporaryDirectory()
    let out = directory.file("out.qr")
    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
    for force in [false, true] {
      let result = try CommandRunner.run([Self.real, out] + (force ? ["--force"] : []))
      #expect(result.status == 73)
      #expect(result.stderr == "embcompress: \(out): cannot create: is a directory\n")
    }
    var isDirectory: ObjCBool = false
    #expect(FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory) && isDirectory.boolValue)
  }

  @Test func hardLinkToTheInputIsRefused() throws {
    let directory = try TemporaryDirectory()
    let input = directory.file("table.npy")
    try FileManager.default.copyItem(atPath: FixtureManifest.path("npy/v1_f32.npy"), toPath: input)
    let before = FileManager.default.contents(atPath: input)
    try FileManager.default.linkItem(atPath: input, toPath: directory.file("alias.qr"))
    let result = try CommandRunner.run([input, directory.file("alias.qr"), "--force"])
    #expect(result.status == 64)
    #expect(result.stderr == "embcompress: \(directory.file("alias.qr")): is the input file; choose another output\n")
    #expect(FileManager.default.contents(atPath: input) == before)
  }

  @Test func reportPathOntoTheInputIsRefused() throws {
    let directory = try TemporaryDirectory()
    let input = directory.file("table.npy")
    try FileManager.default.copyItem(atPath: FixtureManifest.path("npy/v1_f32.npy"), toPath: input)
    let before = FileManager.default.contents(atPath: input)
    let result = try CommandRunner.run([input, directory.file("out.qr"), "--report", input, "--force"])
    #expect(result.status == 64)
    #expect(FileManager.default.contents(atPath: input) == before)
    #expect(!FileManager.default.fileExists(atPath: directory.file("out.qr")))
  }

  @Test func unwritableFolderCannotBeCreated() throws {
    guard getuid() == 0 else {
      // Without root, a folder without write permission is the same test.
      let directory = try TemporaryDirectory()
      chmod(directory.path, 0o555)
      defer { chmod(directory.path, 0o755) }
      let result = try CommandRunner.run([Self.real, directory.file("out.qr")])
      #expect(result.status == 73)
      return
    }
    // Root writes through permissions, so use a read-only mount instead.
    try TemporaryMount.withTmpfs(options: "ro,size=64k") { folder in
      let result = try CommandRunner.run([Self.real, folder + "/out.qr"])
      #expect(result.status == 73)
      #expect(result.stderr == "embcompress: \(folder)/out.qr: cannot create: Read-only file system\n")
    }
  }
}
