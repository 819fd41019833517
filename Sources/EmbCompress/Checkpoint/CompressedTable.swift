/// A `.qr` checkpoint read back and checked: its layout, its stored tables widened to `Float`,
/// and any row of the table they rebuild.
///
/// Loading trusts nothing in the file. Beyond the safetensors structure (`SafetensorsHeader`),
/// it checks the metadata, that the partitions and tensors match one to one with the right
/// shapes and one float dtype, that the layout is what its scheme promises and covers every
/// id, the data's SHA-256, and that no value is NaN or ±Inf. Anything wrong is an
/// `EmbCompressError` naming the file — a data error (`.malformed`, `.truncated`,
/// `.unsupportedElementType`), never a crash — so once loaded, every id in `0..<rows` rebuilds.
///
///     let table = try CompressedTable(contentsOf: "out.qr")
///     print(table.rows, table.dim, table.rule.scheme)     // 30522 384 qr
///     let row = try table.embedding(of: 42)               // 384 floats
///
/// The rebuilt rows follow the rule of docs/checkpoint-format.md in float32, so they equal what
/// any other reader following it computes, bit for bit.
public struct CompressedTable: Sendable {
  /// The file it was read from, as given.
  public let path: String
  /// The rule: rows, dim, scheme, the terms' partitions, the projection and exact rows.
  public let rule: TableRule
  /// The float type the tables are stored in.
  public let precision: StoragePrecision
  /// Format, source, stored relative error and the (verified) SHA-256.
  public let metadata: CheckpointMetadata
  /// The stored tables, each value widened to `Float` exactly.
  public let tables: RuleTables
  /// The size of the file.
  public let fileBytes: Int
  /// The bytes this table's tensors occupy: the whole data section for a file of one table.
  public let tensorBytes: Int
  /// The table read, in a file of several; nil for a file of one.
  public let tableName: String?
  /// Every table of a file of several, sorted; empty for a file of one.
  public let tableNames: [String]

  /// Reads and checks the `.qr` file at `path`.
  ///
  /// The file is mapped, checked in full and decoded; the mapping is released before this
  /// returns, so the table holds only the widened values.
  ///
  ///     do { let table = try CompressedTable(contentsOf: "out.qr") }
  ///     catch let error as EmbCompressError { print(error.message) }  // "out.qr: wrong sha256 …"
  ///
  /// - Parameter path: The checkpoint, as written by `embcompress` or any safetensors writer that
  ///   keeps its metadata.
  /// - Throws: `EmbCompressError`: `.fileNotFound`/`.cannotOpen` for a file that cannot be
  ///   opened; `.truncated`, `.malformed` or `.unsupportedElementType` naming what is wrong.
  public init(contentsOf path: String, table name: String? = nil) throws {
    let file = try MappedFile(path: path)
    try self.init(bytes: file.bytes, path: path, table: name)
  }

  /// Reads and checks a `.qr` already in memory; `path` only names it in errors.
  ///
  /// The values are copied out, so `bytes` need not outlive the table.
  ///
  /// - Parameter name: which table of a file holding several (`--table`); nil for a file of one.
  ///   Every table of the file is checked, whichever is read.
  public init(bytes: UnsafeRawBufferPointer, path: String, table name: String? = nil) throws {
    let header = try SafetensorsHeader(bytes: bytes, path: path)
    var checked: [(name: String?, metadata: CheckpointMetadata, rule: TableRule)] = []
    for (tableName, entries) in try CheckpointTableEntries.tables(in: header.metadata, path: path) {
      let metadata = try CheckpointMetadata(checking: entries, path: path)
      let format = tableName == nil ? metadata.format : entries["terms"] == nil ? Checkpoint.formatName : Checkpoint.formatTwoName
      var rule = try RuleMetadata.rule(from: entries, format: format, path: path)
      rule.tensorPrefix = tableName.map { $0 + "." } ?? ""
      try CheckpointLayoutRules.check(rule, path: path)
      checked.append((tableName, metadata, rule))
    }
    let names = checked.compactMap(\.name)
    let chosen: Int
    if let name {
      guard let index = checked.firstIndex(where: { $0.name == name }) else {
        throw EmbCompressError.tableNotFound(path: path, name: name, candidates: names.map { "--table " + $0 })
      }
      chosen = index
    } else {
      guard checked.count == 1 else { throw EmbCompressError.ambiguousTable(path: path, candidates: names.map { "--table " + $0 }) }
      chosen = 0
    }
    let allTensors = Set(checked.flatMap { $0.rule.tensors.map(\.name) })
    let everyTable = try checked.map { try CheckpointTensors(header: header, rule: $0.rule, allowing: allTensors, path: path) }
    guard Set(everyTable.map(\.precision)).count == 1 else {
      throw EmbCompressError.malformed(path: path, detail: "its tables mix precisions; a .qr stores every table at one precision")
    }
    let tensors = everyTable[chosen]
    let (metadata, rule) = (checked[chosen].metadata, checked[chosen].rule)

    let data = UnsafeRawBufferPointer(rebasing: bytes[header.dataOffset...])
    let digest = SHA256Hex.digest(of: data)
    guard digest == metadata.sha256 else {
      throw EmbCompressError.malformed(
        path: path,
        detail: "wrong sha256: the data section hashes to \(digest), the metadata says \(metadata.sha256); the file is damaged")
    }
    let tables = try tensors.decode(from: bytes, dataOffset: header.dataOffset)

    self.path = path
    self.rule = rule
    self.precision = tensors.precision
    self.metadata = metadata
    self.tables = tables
    self.fileBytes = bytes.count
    self.tensorBytes = tensors.byteCount
    self.tableName = checked[chosen].name
    self.tableNames = names
  }

  /// The rows of the rebuilt table.
  public var rows: Int { rule.rows }
  /// The columns of the rebuilt table.
  public var dim: Int { rule.dim }

  /// What the rebuilt table would take as float32, `rows × dim × 4` bytes (checked to fit on load).
  public var denseBytes: Int { rows * dim * MemoryLayout<Float>.size }

  /// The dense float32 table's size over the stored tensors' size.
  ///
  /// A report's `compression_ratio` uses the input as stored instead, so for a float16 input it
  /// is half of this.
  ///
  ///     try CompressedTable(contentsOf: "out.qr").compressionRatio  // 12.4
  public var compressionRatio: Double { Double(denseBytes) / Double(tensorBytes) }

  /// The rebuilt row of `id`.
  ///
  ///     let row = try table.embedding(of: 7)  // table.dim values
  ///
  /// - Parameter id: A row of the rebuilt table, in `0..<rows`.
  /// - Returns: `dim` values, computed in float32 by the checkpoint's rule.
  /// - Throws: `.idOutOfRange` unless `0 <= id < rows`.
  public func embedding(of id: Int) throws -> [Float] {
    try checkID(id)
    var row = [Float](repeating: 0, count: dim)
    row.withUnsafeMutableBufferPointer { tables.embedding(of: id, into: $0) }
    return row
  }

  /// Gathers the rebuilt rows of `ids`, in order, into `buffer` (`ids.count × dim` values,
  /// row-major). Every id is checked before anything is written.
  ///
  ///     var out = [Float](repeating: 0, count: 3 * table.dim)
  ///     try out.withUnsafeMutableBufferPointer { try table.embeddings(of: [4, 0, 4], into: $0) }
  ///
  /// - Parameters:
  ///   - ids: Rows of the rebuilt table, in any order, repeats allowed.
  ///   - buffer: Exactly `ids.count × dim` values; row `k` of it receives `ids[k]`.
  /// - Throws: `.idOutOfRange` for the first id outside `0..<rows`; `.invalidArguments` when
  ///   `buffer` is not exactly `ids.count × dim` long.
  public func embeddings(of ids: some Collection<Int>, into buffer: UnsafeMutableBufferPointer<Float>) throws {
    try checkBuffer(buffer, rows: ids.count)
    for id in ids { try checkID(id) }
    let builder = RuleRowBuilder(tables)
    for (offset, id) in ids.enumerated() {
      builder.build(id, into: UnsafeMutableBufferPointer(rebasing: buffer[(offset * dim)..<((offset + 1) * dim)]))
    }
  }

  /// Writes rows `range` of the rebuilt table into `buffer` (`range.count × dim` values, row-major).
  ///
  ///     var block = [Float](repeating: 0, count: 100 * table.dim)
  ///     try block.withUnsafeMutableBufferPointer { try table.rows(200..<300, into: $0) }
  ///
  /// - Parameters:
  ///   - range: Consecutive rows inside `0..<rows`.
  ///   - buffer: Exactly `range.count × dim` values.
  /// - Throws: `.idOutOfRange` when `range` is not inside `0..<rows`; `.invalidArguments` when
  ///   `buffer` is not exactly `range.count × dim` long.
  public func rows(_ range: Range<Int>, into buffer: UnsafeMutableBufferPointer<Float>) throws {
    if range.lowerBound < 0 { throw EmbCompressError.idOutOfRange(path: path, id: range.lowerBound, rows: rows) }
    if range.upperBound > rows {
      throw EmbCompressError.idOutOfRange(path: path, id: Swift.max(range.lowerBound, rows), rows: rows)
    }
    try checkBuffer(buffer, rows: range.count)
    tables.embeddings(of: range, into: buffer)
  }

  private func checkID(_ id: Int) throws {
    guard id >= 0 && id < rows else { throw EmbCompressError.idOutOfRange(path: path, id: id, rows: rows) }
  }

  private func checkBuffer(_ buffer: UnsafeMutableBufferPointer<Float>, rows count: Int) throws {
    let (needed, overflow) = count.multipliedReportingOverflow(by: dim)
    guard !overflow, buffer.count == needed else {
      throw EmbCompressError.invalidArguments(
        detail: "the buffer holds \(buffer.count) values, but \(count) rows of dim \(dim) need \(overflow ? "more than can be counted" : String(needed))")
    }
  }
}
