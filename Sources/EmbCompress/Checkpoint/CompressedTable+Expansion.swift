extension CompressedTable {
  /// Writes the rebuilt table — or rows `range` of it — to `path` as a dense float32 table,
  /// streamed in blocks of at most `maxBlockBytes` so the dense table never has to fit in
  /// memory.
  ///
  /// The file appears whole or not at all (`AtomicOutput`): a failure part-way leaves neither
  /// `path` nor a temporary file. Without `replacing`, an existing `path` is refused.
  ///
  ///     let table = try CompressedTable(contentsOf: "out.qr")
  ///     try table.expand(to: "table.npy", format: .npy, replacing: false)
  ///     try table.expand(rows: 0..<1000, to: "head.h5", format: .hdf5, replacing: true)
  ///
  /// - Parameters:
  ///   - range: The rows to write; nil for all of them.
  ///   - path: The file to write.
  ///   - format: `.npy` (version 1.0, `<f4`), `.raw` (little-endian float32, no header) or `.hdf5`
  ///     (dataset `/embeddings`).
  ///   - replacing: Whether an existing `path` may be replaced.
  ///   - maxBlockBytes: The most rows, in bytes of float32, built at a time.
  /// - Throws: `.idOutOfRange` for a range outside `0..<rows`, `.invalidArguments` for an
  ///   empty one; `.cannotCreate` or `.writeFailed` naming `path`.
  public func expand(
    rows range: Range<Int>? = nil, to path: String, format: OutputTableFormat, replacing: Bool,
    maxBlockBytes: Int = BlockSizing.defaultMaxBytes
  ) throws {
    let range = range ?? 0..<rows
    if range.lowerBound < 0 { throw EmbCompressError.idOutOfRange(path: self.path, id: range.lowerBound, rows: rows) }
    if range.upperBound > rows {
      throw EmbCompressError.idOutOfRange(path: self.path, id: Swift.max(range.lowerBound, rows), rows: rows)
    }
    guard !range.isEmpty else {
      throw EmbCompressError.invalidArguments(detail: "rows \(range.lowerBound)..<\(range.upperBound) is empty; a table needs at least one row")
    }

    let output = try AtomicOutput(path: path, replacing: replacing)
    let writer = try format.writer(into: output, rows: range.count, dim: dim)
    let blockRows = Swift.min(range.count, BlockSizing.rowsPerBlock(dim: dim, maxBytes: maxBlockBytes, multiple: 1))
    let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: blockRows * dim)
    defer { buffer.deallocate() }
    var start = range.lowerBound
    while start < range.upperBound {
      let end = Swift.min(range.upperBound, start + blockRows)
      let block = UnsafeMutableBufferPointer(rebasing: buffer[0..<((end - start) * dim)])
      try rows(start..<end, into: block)
      try writer.append(UnsafeBufferPointer(block))
      start = end
    }
    try writer.finish()
    try output.commit()
  }
}
