import Foundation
import Testing

/// Outputs are compared as files, not strings: a report or HTML page named for the checkpoint
/// (or the input) by another spelling is refused before any work, even with --force.
@Suite struct OutputAliasTests {
  @Test(arguments: [["--report", "./out.qr"], ["--html", "./out.qr"], ["--report", "sub/../out.qr"], ["--html", "./in.npy"]])
  func anOutputNamedForAnotherIsUsageError(_ option: [String]) throws {
    let directory = try TemporaryDirectory()
    try FileManager.default.createDirectory(atPath: directory.file("sub"), withIntermediateDirectories: true)
    // A small .npy: magic, version 1.0, a 64-byte-aligned header, 8 × 2 float32.
    var dict = Array("{'descr': '<f4', 'fortran_order': False, 'shape': (8, 2), }".utf8)
    dict += [UInt8](repeating: 0x20, count: (64 - (10 + dict.count + 1) % 64) % 64) + [0x0A]
    let header = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(dict.count), 0] + dict
    let values = (0..<16).map { Float($0) / 7 }
    FileManager.default.createFile(
      atPath: directory.file("in.npy"), contents: Data(header) + values.withUnsafeBytes { Data($0) })
    let before = try Data(contentsOf: URL(fileURLWithPath: directory.file("in.npy")))
    let result = try BoundedRun.run(["in.npy", "out.qr", "--force", "--quiet"] + option, seconds: 60, currentDirectory: directory.path)
    #expect(result.status == 64, "\(result.stderr)")
    #expect(result.errorLines.count == 1, "\(result.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["in.npy", "sub"])
    #expect(try Data(contentsOf: URL(fileURLWithPath: directory.file("in.npy"))) == before)
  }
}
