import Crypto
import EmbCompress
import Foundation
import Testing

/// `CompressedTable`: what the writer stores reads back bit for bit, and rebuilds by the rule.
@Suite struct CompressedTableTests {
  @Test(arguments: QRTestTables.allCombinations)
  func roundTripsEverySchemeOperationAndPrecision(
    scheme: PartitionScheme, operation: CombineOperation, precision: StoragePrecision
  ) throws {
    let directory = try TemporaryDirectory()
    let tables = QRTestTables.tables(try QRTestTables.layout(scheme, operation))
    let checkpoint = Checkpoint(tables: tables, precision: precision, source: "in.h5:/emb", relativeError: 0.0625)
    let path = try QRTestTables.write(checkpoint, to: directory)

    let table = try CompressedTable(contentsOf: path)
    let stored = tables.rounded(to: precision)
    #expect(table.path == path)
    #expect(table.rule.terms[0] == tables.layout)
    #expect(table.rows == 23)
    #expect(table.dim == 5)
    #expect(table.precision == precision)
    #expect(table.metadata.format == "embcompress.qr/1")
    #expect(table.metadata.source == "in.h5:/emb")
    #expect(table.metadata.relativeError == 0.0625)
    let bytes = checkpoint.serialized()
    let header = try bytes.withUnsafeBytes { try SafetensorsHeader(bytes: $0, path: path) }
    #expect(table.metadata.sha256 == SHA256.hash(data: bytes[header.dataOffset...]).map { String(format: "%02x", $0) }.joined())
    #expect(table.fileBytes == bytes.count)
    #expect(table.tensorBytes == checkpoint.tensorBytes)
    #expect(table.compressionRatio == Double(23 * 5 * 4) / Double(checkpoint.tensorBytes))

    // The values as stored, bit for bit (so -0.0 and f16/bf16 rounding are checked too).
    #expect(table.tables.terms[0].weights.map { $0.map(\.bitPattern) } == stored.weights.map { $0.map(\.bitPattern) })

    var all = [Float](repeating: .nan, count: table.rows * table.dim)
    try all.withUnsafeMutableBufferPointer { try table.rows(0..<table.rows, into: $0) }
    for id in 0..<table.rows {
      var expected = [Float](repeating: .nan, count: table.dim)
      expected.withUnsafeMutableBufferPointer { stored.embedding(of: id, into: $0) }
      let row = try table.embedding(of: id)
      #expect(row.map(\.bitPattern) == expected.map(\.bitPattern), "id \(id)")
      #expect(row.map(\.bitPattern) == QRTestTables.reference(stored, id: id).map(\.bitPattern), "id \(id)")
      #expect(all[(id * table.dim)..<((id + 1) * table.dim)].map(\.bitPattern) == expected.map(\.bitPattern), "id \(id)")
    }

    let ids = [22, 0, 7, 7, 13]
    var gathered = [Float](repeating: .nan, count: ids.count * table.dim)
    try gathered.withUnsafeMutableBufferPointer { try table.embeddings(of: ids, into: $0) }
    #expect(gathered.map(\.bitPattern) == ids.flatMap { try! table.embedding(of: $0) }.map(\.bitPattern))
  }

  @Test func readsOnlyTheRowsAsked() throws {
    let directory = try TemporaryDirectory()
    let tables = QRTestTables.tables(try QRTestTables.layout(.qr, .add))
    let table = try CompressedTable(
      contentsOf: try QRTestTables.write(Checkpoint(tables: tables, precision: .f32, source: "s", relativeError: 0), to: directory))
    var block = [Float](repeating: .nan, count: 4 * table.dim)
    try block.withUnsafeMutableBufferPointer { try table.rows(19..<23, into: $0) }
    #expect(block == (19..<23).flatMap { QRTestTables.reference(tables, id: $0) })
  }

  @Test func refusesIdsOutsideTheTable() throws {
    let directory = try TemporaryDirectory()
    let path = try QRTestTables.write(
      Checkpoint(tables: QRTestTables.tables(try QRTestTables.layout(.qr, .mult)), precision: .f16, source: "s", relativeError: 0),
      to: directory)
    let table = try CompressedTable(contentsOf: path)

    #expect(throws: EmbCompressError.idOutOfRange(path: path, id: 23, rows: 23)) { try table.embedding(of: 23) }
    #expect(throws: EmbCompressError.idOutOfRange(path: path, id: -1, rows: 23)) { try table.embedding(of: -1) }
    #expect(EmbCompressError.idOutOfRange(path: path, id: 23, rows: 23).category == .usage)
    #expect(
      EmbCompressError.idOutOfRange(path: path, id: 23, rows: 23).message
        == "\(path): id 23 is out of range: the table has 23 rows (ids 0 to 22)")

    // A bad id anywhere leaves the caller's buffer untouched.
    var buffer = [Float](repeating: 42, count: 3 * table.dim)
    #expect(throws: EmbCompressError.idOutOfRange(path: path, id: 99, rows: 23)) {
      try buffer.withUnsafeMutableBufferPointer { try table.embeddings(of: [0, 1, 99], into: $0) }
    }
    #expect(buffer.allSatisfy { $0 == 42 })

    #expect(throws: EmbCompressError.idOutOfRange(path: path, id: 23, rows: 23)) {
      var four = [Float](repeating: 0, count: 4 * table.dim)
      try four.withUnsafeMutableBufferPointer { try table.rows(20..<24, into: $0) }
    }
    #expect(throws: EmbCompressError.idOutOfRange(path: path, id: -2, rows: 23)) {
      try buffer.withUnsafeMutableBufferPointer { try table.rows(-2..<1, into: $0) }
    }
  }

  @Test func refusesABufferOfTheWrongSize() throws {
    let directory = try TemporaryDirectory()
    let path = try QRTestTables.write(
      Checkpoint(tables: QRTestTables.tables(try QRTestTables.layout(.hash, .add)), precision: .f32, source: "s", relativeError: 0),
      to: directory)
    let table = try CompressedTable(contentsOf: path)
    var short = [Float](repeating: 0, count: 9)
    #expect(throws: EmbCompressError.invalidArguments(detail: "the buffer holds 9 values, but 2 rows of dim 5 need 10")) {
      try short.withUnsafeMutableBufferPointer { try table.embeddings(of: [1, 2], into: $0) }
    }
    #expect(throws: EmbCompressError.invalidArguments(detail: "the buffer holds 9 values, but 2 rows of dim 5 need 10")) {
      try short.withUnsafeMutableBufferPointer { try table.rows(0..<2, into: $0) }
    }
  }

  @Test(arguments: QRFixtureManifest.shared.good)
  func rebuildsGoodFixtureExactly(_ fixture: QRFixtureManifest.Good) throws {
    let table = try CompressedTable(contentsOf: FixtureManifest.path(fixture.file))
    #expect(table.rows == fixture.rows)
    #expect(table.dim == fixture.dim)
    #expect(table.rule.terms[0].scheme.rawValue == fixture.scheme)
    #expect(table.rule.terms[0].operation.rawValue == fixture.operation)
    #expect(table.precision.rawValue == fixture.precision)
    #expect(table.rule.terms[0].partitions.map(\.tensor) == fixture.partitions.map(\.tensor))
    #expect(table.rule.terms[0].partitions.map(\.divisor) == fixture.partitions.map(\.divisor))
    #expect(table.rule.terms[0].partitions.map(\.modulus) == fixture.partitions.map(\.modulus))
    #expect(table.rule.terms[0].partitions.map(\.dim) == fixture.partitions.map(\.dim))

    let expected = try FixtureManifest.expectedValues(fixture.expected)
    var values = [Float](repeating: .nan, count: table.rows * table.dim)
    try values.withUnsafeMutableBufferPointer { try table.rows(0..<table.rows, into: $0) }
    #expect(values.map(\.bitPattern) == expected.map(\.bitPattern))
  }

  /// numpy laid the good fixtures out by hand; the Swift writer, given the same tables, must
  /// produce the same bytes — the format is one format, whoever writes it.
  @Test(arguments: QRFixtureManifest.shared.good)
  func goodFixtureIsWhatTheWriterWrites(_ fixture: QRFixtureManifest.Good) throws {
    let path = FixtureManifest.path(fixture.file)
    let table = try CompressedTable(contentsOf: path)
    let rewritten = Checkpoint(
      tables: table.tables, precision: table.precision, source: table.metadata.source,
      relativeError: table.metadata.relativeError
    ).serialized()
    #expect(rewritten == Array(try Data(contentsOf: URL(fileURLWithPath: path))))
  }

  @Test(arguments: QRFixtureManifest.shared.bad)
  func refusesBadFixture(_ fixture: QRFixtureManifest.Bad) throws {
    let path = FixtureManifest.path(fixture.file)
    do {
      _ = try CompressedTable(contentsOf: path)
      Issue.record("\(fixture.file) loaded without error")
    } catch let error as EmbCompressError {
      #expect(error.identifier == fixture.error, "\(error.message)")
      #expect(error.category == .data)
      #expect(error.path == path)
      #expect(error.message.hasPrefix(path + ": "))
      #expect(error.message.contains(fixture.detail), "\(error.message)")
      #expect(!error.message.contains("\n"))
    }
  }

  @Test func missingFileIsNoInput() {
    #expect(throws: EmbCompressError.fileNotFound(path: "/nonexistent/t.qr")) {
      try CompressedTable(contentsOf: "/nonexistent/t.qr")
    }
  }

  // MARK: - Files no fixture holds

  /// A .qr whose metadata is `metadata` over one `modulus × dim` F32 tensor named `tensor`.
  private func handMade(_ metadata: [(String, String)], tensor: String = "weight_0", shape: [Int] = [2, 3]) throws -> (TemporaryDirectory, String) {
    var writer = SafetensorsWriter()
    let count = shape.reduce(1, *)
    writer.append(name: tensor, dtype: .f32, shape: shape, data: TensorEncoding.bytes((0..<count).map(Float.init), precision: .f32))
    let digest = SHA256.hash(data: writer.data).map { String(format: "%02x", $0) }.joined()
    let directory = try TemporaryDirectory()
    let path = directory.file("hand.qr")
    let entries = metadata.map { $0.1 == "<sha>" ? ($0.0, digest) : $0 }
    try Data(writer.serialized(metadata: entries)).write(to: URL(fileURLWithPath: path))
    return (directory, path)
  }

  private func hashMetadata(rows: String = "5", dim: String = "3", partitions: String? = nil) -> [(String, String)] {
    [
      ("format", "embcompress.qr/1"), ("rows", rows), ("dim", dim), ("scheme", "hash"), ("operation", "mult"),
      ("partitions", partitions ?? #"[{"tensor":"weight_0","divisor":1,"modulus":2,"dim":3}]"#),
      ("source", "s"), ("relative_error", "0"), ("sha256", "<sha>"),
    ]
  }

  @Test func aHandMadeHashFileLoads() throws {
    let (directory, path) = try handMade(hashMetadata())
    _ = directory
    let table = try CompressedTable(contentsOf: path)
    #expect(try table.embedding(of: 3) == [3, 4, 5])
  }

  @Test func refusesATableTooLargeToAddress() throws {
    let (directory, path) = try handMade(hashMetadata(rows: String(Int.max)))
    _ = directory
    #expect(
      throws: EmbCompressError.malformed(
        path: path, detail: "rows \(Int.max) × dim 3 float32 values is more bytes than can be addressed")
    ) { try CompressedTable(contentsOf: path) }
  }

  @Test func refusesRowsBeyondInt() throws {
    let (directory, path) = try handMade(hashMetadata(rows: "99999999999999999999"))
    _ = directory
    #expect(
      throws: EmbCompressError.malformed(path: path, detail: "metadata 'rows' is '99999999999999999999', not a positive integer")
    ) { try CompressedTable(contentsOf: path) }
  }

  @Test func hostileNamesStayOnOneLine() throws {
    let evil = "weight\n0" + String(repeating: "x", count: 500)
    let (directory, path) = try handMade(
      hashMetadata(partitions: #"[{"tensor":"weight_0","divisor":1,"modulus":2,"dim":3}]"#), tensor: evil)
    _ = directory
    do {
      _ = try CompressedTable(contentsOf: path)
      Issue.record("loaded")
    } catch let error as EmbCompressError {
      #expect(error.identifier == "malformed")
      #expect(!error.message.contains("\n"))
      #expect(error.message.count < 400)
    }
  }

  @Test func refusesAPartitionListedTwice() throws {
    let (directory, path) = try handMade(
      hashMetadata(partitions: #"[{"tensor":"weight_0","divisor":1,"modulus":2,"dim":3},{"tensor":"weight_0","divisor":1,"modulus":2,"dim":3}]"#))
    _ = directory
    #expect(throws: EmbCompressError.malformed(path: path, detail: "partition 'weight_0' is listed twice")) {
      try CompressedTable(contentsOf: path)
    }
  }

  @Test(arguments: ["4.0", "1e0", "true", "\"4\"", "null", "-1"])
  func refusesPartitionNumbersThatAreNotPositiveIntegers(_ modulus: String) throws {
    let (directory, path) = try handMade(
      hashMetadata(partitions: #"[{"tensor":"weight_0","divisor":1,"modulus":"# + modulus + #","dim":3}]"#))
    _ = directory
    do {
      _ = try CompressedTable(contentsOf: path)
      Issue.record("modulus \(modulus) accepted")
    } catch let error as EmbCompressError {
      #expect(error.identifier == "malformed")
      #expect(error.message.contains("modulus"), "\(error.message)")
    }
  }
}
