/// A headerless binary table: `rows × dim` values of one type, row-major, after `offset` bytes.
public final class RawTableSource: TableSource {
  public let info: TableInfo
  public let layout: RawLayout
  private let file: InputFile
  private let decoder: ElementDecoder

  public init(path: String, layout: RawLayout) throws {
    // Options first, so a usage mistake is reported as such even when the file is missing.
    _ = try layout.checkedRowBytes(path: path)
    file = try InputFile(path: path)
    let rows = try layout.rows(fileSize: file.size, path: path)
    let dim = layout.dim!
    self.layout = layout
    decoder = ElementDecoder(elementType: layout.elementType, byteOrder: layout.byteOrder)
    info = TableInfo(
      path: path, format: .raw, name: nil, rows: rows, dim: dim, elementType: layout.elementType,
      byteOrder: layout.byteOrder)
  }

  /// Read with `pread`: a file truncated meanwhile is an I/O error, not SIGBUS.
  public func readRows(_ range: Range<Int>, into buffer: UnsafeMutableBufferPointer<Float>) throws {
    let rowBytes = info.dim * info.elementType.byteSize
    try file.readValues(at: layout.offset + range.lowerBound * rowBytes, decoder: decoder, into: buffer)
  }
}
