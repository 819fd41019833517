import EmbCompress
import Foundation
import Testing

@Suite struct AtomicOutputTests {
  @Test func nothingAppearsUntilCommit() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("out.bin")
    let output = try AtomicOutput(path: path, replacing: false)
    try [UInt8](repeating: 7, count: 100).withUnsafeBytes { try output.write($0) }
    #expect(!FileManager.default.fileExists(atPath: path))
    #expect(output.temporaryPath.hasPrefix(directory.file(".out.bin.tmp-")))
    #expect(try DenseTableFile.listing(directory).count == 1)
    try output.commit()
    #expect(try DenseTableFile.bytes(path) == [UInt8](repeating: 7, count: 100))
    #expect(try DenseTableFile.listing(directory) == ["out.bin"])
    let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    #expect(mode.map { $0 & 0o044 } == 0o044, "readable by others, like any output")
  }

  @Test func droppedWithoutCommitLeavesNothing() throws {
    let directory = try TemporaryDirectory()
    do {
      let output = try AtomicOutput(path: directory.file("out.bin"), replacing: true)
      try [UInt8](repeating: 1, count: 10).withUnsafeBytes { try output.write($0) }
    }
    #expect(try DenseTableFile.listing(directory) == [])
  }
}
