import EmbCompress
import Foundation
import Testing

/// Failures that need no committed file: missing, a directory, unreadable, bad raw options.
@Suite struct OpeningErrorTests {
  @Test(arguments: ["missing.h5", "missing.npy", "missing.safetensors", "missing.f32"])
  func missingFileIsNoInput(_ name: String) {
    let path = NSTemporaryDirectory() + "embcompress-" + UUID().uuidString + "-" + name
    var options = TableOpenOptions()
    options.raw.dim = 4
    #expect(throws: EmbCompressError.fileNotFound(path: path)) { try openTable(path, options: options) }
  }

  @Test(arguments: TableFormat.allCases)
  func directoryIsRefused(_ format: TableFormat) throws {
    let directory = try TemporaryDirectory()
    var options = TableOpenOptions(format: format)
    options.raw.dim = 4
    #expect(throws: EmbCompressError.cannotOpen(path: directory.path, reason: "is a directory")) {
      try openTable(directory.path, options: options)
    }
  }

  @Test func unreadableFileIsNoInput() throws {
    guard getuid() != 0 else {
      print("skipped: running as root, which reads any file regardless of its mode")
      return
    }
    let directory = try TemporaryDirectory()
    let path = directory.file("locked.npy")
    #expect(FileManager.default.createFile(atPath: path, contents: Data([1, 2, 3]), attributes: [.posixPermissions: 0]))
    #expect(throws: EmbCompressError.cannotOpen(path: path, reason: "Permission denied")) { try openTable(path) }
  }

  @Test func rawNeedsDim() {
    let path = FixtureManifest.path("raw/small.f32")
    #expect(throws: EmbCompressError.invalidOption(path: path, detail: "a raw table needs --dim (values per row)")) {
      try openTable(path)
    }
  }

  @Test func rawRowsBeyondTheFileAreTruncated() {
    var options = TableOpenOptions()
    options.raw = RawLayout(dim: 6, rows: 38)
    do {
      _ = try openTable(FixtureManifest.path("raw/small.f32"), options: options)
      Issue.record("38 rows of a 37-row file were accepted")
    } catch let error as EmbCompressError {
      #expect(error.identifier == "truncated")
    } catch {
      Issue.record("unexpected \(error)")
    }
  }

  @Test func offsetPastTheEndIsRefused() {
    var options = TableOpenOptions()
    options.raw = RawLayout(dim: 6, offset: 1 << 20)
    #expect(throws: EmbCompressError.self) { try openTable(FixtureManifest.path("raw/small.f32"), options: options) }
  }

  @Test func emptyRawFileIsAnEmptyTable() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("empty.f32")
    #expect(FileManager.default.createFile(atPath: path, contents: Data()))
    var options = TableOpenOptions()
    options.raw.dim = 3
    #expect(throws: EmbCompressError.emptyTable(path: path, rows: 0, dim: 3)) { try openTable(path, options: options) }
  }
}
