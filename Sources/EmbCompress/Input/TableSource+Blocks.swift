/// Block sizing for streamed passes.
public enum BlockSizing {
  /// The largest block a pass holds, 64 MiB of `Float`, small next to any memory budget.
  public static let defaultMaxBytes = 64 << 20

  /// Rows per block for `dim` columns: as many as fit in `maxBytes`, rounded down to `multiple`
  /// (but never below one multiple or one row).
  public static func rowsPerBlock(dim: Int, maxBytes: Int, multiple: Int) -> Int {
    let fit = max(1, maxBytes / max(1, dim * MemoryLayout<Float>.stride))
    let step = max(1, multiple)
    return max(step, fit / step * step)
  }
}

extension TableSource {
  /// Streams the whole table once, in order, as blocks of at most `maxBlockBytes`.
  ///
  /// Non-finite values are refused: on the first one the pass stops handing blocks to `body`,
  /// reads on only to count them all, and throws `.nonFiniteValues`.
  ///
  ///     var total = 0.0
  ///     try table.forEachBlock { block in total += block.values.reduce(0) { $0 + Double($1) } }
  public func forEachBlock(
    maxBlockBytes: Int = BlockSizing.defaultMaxBytes, _ body: (RowBlock) throws -> Void
  ) throws {
    let info = self.info
    let blockRows = min(
      info.rows,
      BlockSizing.rowsPerBlock(dim: info.dim, maxBytes: maxBlockBytes, multiple: preferredRowMultiple))
    guard blockRows > 0 else { return }
    let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: blockRows * info.dim)
    defer { buffer.deallocate() }
    var firstBad: (row: Int, column: Int)?
    var badCount = 0
    var start = 0
    while start < info.rows {
      let end = min(info.rows, start + blockRows)
      let slice = UnsafeMutableBufferPointer(rebasing: buffer[0..<((end - start) * info.dim)])
      try readRows(start..<end, into: slice)
      let values = UnsafeBufferPointer(slice)
      if let bad = NonFiniteScan.firstIndex(in: values) {
        if firstBad == nil { firstBad = (start + bad / info.dim, bad % info.dim) }
        badCount += NonFiniteScan.count(in: values)
      }
      if firstBad == nil {
        try body(RowBlock(firstRow: start, rowCount: end - start, dim: info.dim, values: values))
      }
      start = end
    }
    if let firstBad {
      throw EmbCompressError.nonFiniteValues(
        path: info.path, row: firstBad.row, column: firstBad.column, count: badCount)
    }
  }
}
