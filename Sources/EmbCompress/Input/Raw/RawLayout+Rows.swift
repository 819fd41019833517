extension RawLayout {
  /// Checks the options that need no file: `--dim` given and positive, `--offset` and `--rows`
  /// not negative, a row size that fits in an `Int`. Returns the row size in bytes.
  public func checkedRowBytes(path: String) throws -> Int {
    guard let dim else {
      throw EmbCompressError.invalidOption(path: path, detail: "a raw table needs --dim (values per row)")
    }
    guard dim > 0 else { throw EmbCompressError.invalidOption(path: path, detail: "--dim must be at least 1, not \(dim)") }
    guard offset >= 0 else { throw EmbCompressError.invalidOption(path: path, detail: "--offset must not be negative") }
    if let rows, rows < 0 { throw EmbCompressError.invalidOption(path: path, detail: "--rows must not be negative") }
    let (rowBytes, overflow) = dim.multipliedReportingOverflow(by: elementType.byteSize)
    guard !overflow else { throw EmbCompressError.invalidOption(path: path, detail: "--dim \(dim) is too large") }
    return rowBytes
  }

  /// The number of rows a file of `fileSize` bytes holds in this layout, checking every option
  /// against the size with overflow-checked arithmetic; `path` only names the file in errors.
  ///
  ///     try RawLayout(dim: 6).rows(fileSize: 888, path: "t.f32")  // 37
  public func rows(fileSize: Int, path: String) throws -> Int {
    let rowBytes = try checkedRowBytes(path: path)
    guard offset <= fileSize else {
      throw EmbCompressError.invalidOption(path: path, detail: "--offset \(offset) is past the end of the \(fileSize)-byte file")
    }
    let dataBytes = fileSize - offset
    let count: Int
    if let given = rows {
      let (needed, overflow) = given.multipliedReportingOverflow(by: rowBytes)
      guard !overflow, needed <= dataBytes else {
        throw EmbCompressError.truncated(
          path: path,
          detail: "--rows \(given) of \(rowBytes) bytes each needs more than the \(dataBytes) bytes after offset \(offset)")
      }
      count = given
    } else {
      guard dataBytes % rowBytes == 0 else {
        throw EmbCompressError.rawSizeMismatch(path: path, dataBytes: dataBytes, rowBytes: rowBytes)
      }
      count = dataBytes / rowBytes
    }
    guard count > 0 else { throw EmbCompressError.emptyTable(path: path, rows: count, dim: dim!) }
    return count
  }
}
