/// Several tables in one `.qr` file (format 2): each table's tensors named `NAME.` + what its
/// rule calls them, and a `tables` metadata entry stating each table's rule, source and error.
///
/// A recommender model holds many tables (DLRM's has 26); one run fits them all into one file.
///
///     let bundle = CheckpointBundle(tables: [("emb_l.0", first), ("emb_l.1", second)])
///     try bundle.write(header: bundle.encodedHeader(), to: output)
public struct CheckpointBundle: Sendable {
  /// In file order; every checkpoint's rule carries its `NAME.` tensor prefix.
  public private(set) var tables: [(name: String, checkpoint: Checkpoint)]

  public init(tables: [(name: String, checkpoint: Checkpoint)]) {
    precondition(!tables.isEmpty && Set(tables.map(\.name)).count == tables.count, "table names must be distinct")
    self.tables = tables.map { name, checkpoint in
      var prefixed = checkpoint
      prefixed.tables.rule.tensorPrefix = name + "."
      return (name, prefixed)
    }
  }

  /// The bytes every table's tensors occupy.
  public var tensorBytes: Int { tables.reduce(0) { $0 + $1.checkpoint.tensorBytes } }

  /// The header, with every table's entry and the sha256 of the whole data section.
  public func encodedHeader() -> [UInt8] {
    let digest = SHA256Hex.digest { feed in forEachDataSlice(feed) }
    var writer = SafetensorsWriter()
    for (_, checkpoint) in tables { checkpoint.declareTensors(in: &writer) }
    let entries = JSONText.object(
      tables.map { name, checkpoint in
        (name, JSONText.object(checkpoint.tableEntries.map { ($0.0, JSONText.string($0.1)) }))
      })
    return writer.headerBytes(
      metadata: [
        ("format", Checkpoint.formatTwoName), ("tables", entries), ("sha256", digest),
        ("producer", EmbCompressVersion.producer),
      ])
  }

  /// The data section in file order: each table's tensors in turn.
  public func forEachDataSlice(_ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
    for (_, checkpoint) in tables { try checkpoint.forEachDataSlice(body) }
  }

  public func write(header: [UInt8], to output: AtomicOutput) throws {
    try header.withUnsafeBytes { try output.write($0) }
    try forEachDataSlice { try output.write($0) }
  }

  /// The complete file in memory; for small tables and tests.
  public func serialized() -> [UInt8] {
    var file = encodedHeader()
    forEachDataSlice { file += $0 }
    return file
  }
}
