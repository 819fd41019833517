import EmbCompress
import Foundation
import Testing

@Suite struct AtomicFileTests {
  private func contents(_ directory: TemporaryDirectory) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
  }

  @Test func writesWholeFileAndLeavesNoTemporary() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("out.qr")
    try AtomicFile.write([1, 2, 3], to: path, replacing: false)
    #expect(FileManager.default.contents(atPath: path) == Data([1, 2, 3]))
    #expect(try contents(directory) == ["out.qr"])
  }

  @Test func neverReplacesWithoutPermission() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("out.qr")
    FileManager.default.createFile(atPath: path, contents: Data([9]))
    #expect(throws: EmbCompressError.cannotCreate(path: path, detail: "already exists")) {
      try AtomicFile.write([1, 2, 3], to: path, replacing: false)
    }
    #expect(FileManager.default.contents(atPath: path) == Data([9]))
    #expect(try contents(directory) == ["out.qr"])
    try AtomicFile.write([1, 2, 3], to: path, replacing: true)
    #expect(FileManager.default.contents(atPath: path) == Data([1, 2, 3]))
    #expect(try contents(directory) == ["out.qr"])
  }

  @Test func missingFolderCannotBeCreated() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("no/such/folder/out.qr")
    do {
      try AtomicFile.write([1], to: path, replacing: false)
      Issue.record("wrote into a missing folder")
    } catch let error as EmbCompressError {
      #expect(error.identifier == "cannot-create")
      #expect(error.category == .cannotCreate)
    }
  }

  @Test func directoryInTheWayIsRefusedAndKept() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("out.qr")
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    #expect(throws: EmbCompressError.self) { try AtomicFile.write([1], to: path, replacing: true) }
    var isDirectory: ObjCBool = false
    #expect(FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue)
    #expect(try contents(directory) == ["out.qr"])
  }
}
