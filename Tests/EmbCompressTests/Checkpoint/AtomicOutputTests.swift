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

  /// Bytes that are not a multiple of anything, in slices of odd sizes: whole 4 MiB chunks go out
  /// past the page cache where the file system allows it, the rest through it.
  private static let pattern: [UInt8] = (0..<(2 * (4 << 20) + 12_345)).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }

  private func writeInOddSlices(to path: String) throws {
    let output = try AtomicOutput(path: path, replacing: false)
    let bytes = Self.pattern
    let slices = [1, 4093, (1 << 20) + 7, 5 << 20, 3, bytes.count]
    try bytes.withUnsafeBytes { all in
      var start = 0
      for size in slices where start < all.count {
        let end = min(all.count, start + size)
        try output.write(UnsafeRawBufferPointer(rebasing: all[start..<end]))
        start = end
      }
    }
    try output.commit()
  }

  @Test func largeOutputsAreTheBytesWritten() throws {
    let directory = try TemporaryDirectory()
    try writeInOddSlices(to: directory.file("big.bin"))
    #expect(try DenseTableFile.bytes(directory.file("big.bin")) == Self.pattern)
    #expect(try DenseTableFile.listing(directory) == ["big.bin"])
  }

  @Test func largeOutputsAreTheBytesWrittenOnTmpfs() throws {
    try TemporaryMount.withTmpfs(options: "size=16m") { folder in
      try writeInOddSlices(to: folder + "/big.bin")
      #expect(try DenseTableFile.bytes(folder + "/big.bin") == Self.pattern)
    }
  }

  /// The bytes still staged are written when the set commits; a disk that fills then stops the
  /// commit before any path changes, so a file being replaced keeps its old bytes.
  @Test func aDiskThatFillsAtCommitChangesNoPath() throws {
    try TemporaryMount.withTmpfs(options: "size=16k") { folder in
      let first = folder + "/out.qr"
      try AtomicFile.write(Array("old".utf8), to: first, replacing: false)
      let files = AtomicOutputSet()
      try files.add(path: first, replacing: true, bytes: [UInt8](repeating: 1, count: 2048))
      try files.add(path: folder + "/out.qr.report.json", replacing: true, bytes: [UInt8](repeating: 2, count: 64 << 10))
      #expect(throws: EmbCompressError.self) { try files.commit() }
      #expect(try DenseTableFile.bytes(first) == Array("old".utf8))
    }
  }
}
