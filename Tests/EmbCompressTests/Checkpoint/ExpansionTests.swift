import EmbCompress
import Foundation
import Testing

/// `CompressedTable.expand`: the rebuilt table streamed to npy, raw and HDF5, atomically.
@Suite struct ExpansionTests {
  private func fixture(_ name: String) throws -> (CompressedTable, [Float]) {
    let good = try #require(QRFixtureManifest.shared.good.first { $0.file.hasSuffix(name) })
    return (
      try CompressedTable(contentsOf: FixtureManifest.path(good.file)), try FixtureManifest.expectedValues(good.expected)
    )
  }

  @Test(arguments: OutputTableFormat.allCases)
  func writesTheWholeTableInSmallBlocks(_ format: OutputTableFormat) throws {
    let (table, expected) = try fixture("good_gqr_add_f16.qr")
    let directory = try TemporaryDirectory()
    let name = ["h5": "t.h5", "npy": "t.npy", "raw": "t.f32"][format.rawValue]!
    // 3 rows per block: 30 rows take ten blocks.
    try table.expand(to: directory.file(name), format: format, replacing: false, maxBlockBytes: 3 * table.dim * 4)
    let read = try DenseTableFile.read(directory.file(name), options: format == .raw ? TableOpenOptions(raw: RawLayout(dim: table.dim)) : TableOpenOptions())
    #expect(read.rows == table.rows)
    #expect(read.dim == table.dim)
    #expect(read.elementType == .float32)
    #expect(read.values.map(\.bitPattern) == expected.map(\.bitPattern))
    if format == .hdf5 { #expect(read.name == "/embeddings") }
    #expect(try DenseTableFile.listing(directory) == [name])
  }

  @Test func writesOnlyTheRowsAsked() throws {
    let (table, expected) = try fixture("good_crt_concat_bf16.qr")
    let directory = try TemporaryDirectory()
    try table.expand(rows: 7..<13, to: directory.file("t.npy"), format: .npy, replacing: false, maxBlockBytes: 8)
    let read = try DenseTableFile.read(directory.file("t.npy"))
    #expect(read.rows == 6)
    #expect(read.values.map(\.bitPattern) == expected[(7 * 5)..<(13 * 5)].map(\.bitPattern))
  }

  @Test func npyHeaderIsVersionOneAlignedTo64() throws {
    let (table, expected) = try fixture("good_qr_mult_f32.qr")
    let directory = try TemporaryDirectory()
    try table.expand(to: directory.file("t.npy"), format: .npy, replacing: false)
    let bytes = try DenseTableFile.bytes(directory.file("t.npy"))
    #expect(Array(bytes[0..<8]) == [0x93] + Array("NUMPY".utf8) + [1, 0])
    let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
    #expect((10 + headerLength) % 64 == 0)
    let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
    #expect(header.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (10, 3), }"))
    #expect(header.hasSuffix(" \n"))
    let data = Array(bytes[(10 + headerLength)...])
    #expect(data == expected.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) })
  }

  @Test func refusesRangesOutsideTheTableAndWritesNothing() throws {
    let (table, _) = try fixture("good_qr_mult_f32.qr")
    let directory = try TemporaryDirectory()
    #expect(throws: EmbCompressError.idOutOfRange(path: table.path, id: 10, rows: 10)) {
      try table.expand(rows: 5..<11, to: directory.file("t.npy"), format: .npy, replacing: false)
    }
    #expect(throws: EmbCompressError.invalidArguments(detail: "rows 4..<4 is empty; a table needs at least one row")) {
      try table.expand(rows: 4..<4, to: directory.file("t.npy"), format: .npy, replacing: false)
    }
    #expect(try DenseTableFile.listing(directory) == [])
  }

  @Test(arguments: OutputTableFormat.allCases)
  func replacesOnlyWhenAsked(_ format: OutputTableFormat) throws {
    let (table, _) = try fixture("good_qr_mult_f32.qr")
    let directory = try TemporaryDirectory()
    let path = directory.file("t.out")
    try Data("keep me".utf8).write(to: URL(fileURLWithPath: path))
    #expect(throws: EmbCompressError.cannotCreate(path: path, detail: "already exists")) {
      try table.expand(to: path, format: format, replacing: false)
    }
    #expect(try DenseTableFile.bytes(path) == Array("keep me".utf8))
    #expect(try DenseTableFile.listing(directory) == ["t.out"])
    try table.expand(to: path, format: format, replacing: true)
    #expect(try DenseTableFile.bytes(path) != Array("keep me".utf8))
    #expect(try DenseTableFile.listing(directory) == ["t.out"])
  }

  @Test(arguments: OutputTableFormat.allCases)
  func aFolderThatIsNotThereLeavesNothing(_ format: OutputTableFormat) throws {
    let (table, _) = try fixture("good_qr_mult_f32.qr")
    let directory = try TemporaryDirectory()
    do {
      try table.expand(to: directory.file("missing/t.out"), format: format, replacing: false)
      Issue.record("wrote into a missing folder")
    } catch let error as EmbCompressError {
      #expect(error.identifier == "cannot-create")
      #expect(error.path == directory.file("missing/t.out"))
    }
    #expect(try DenseTableFile.listing(directory) == [])
  }

  @Test func formatsFollowExtensions() {
    #expect(OutputTableFormat(path: "a/b.npy") == .npy)
    #expect(OutputTableFormat(path: "b.H5") == .hdf5)
    #expect(OutputTableFormat(path: "b.hdf5") == .hdf5)
    #expect(OutputTableFormat(path: "b.f32") == .raw)
    #expect(OutputTableFormat(path: "b.bin") == .raw)
    #expect(OutputTableFormat(path: "b.raw") == .raw)
    #expect(OutputTableFormat(path: "b.f16") == nil)
    #expect(OutputTableFormat(path: "b.qr") == nil)
    #expect(OutputTableFormat(path: ".npy") == nil)
    #expect(OutputTableFormat(path: "npy") == nil)
  }
}
