/// A headerless binary table: `rows × dim` values of one type, row-major, after `offset` bytes.
public final class RawTableSource: TableSource {
  public let info: TableInfo
  public let layout: RawLayout
  private let file: MappedFile
  private let decoder: ElementDecoder

  public init(path: String, layout: RawLayout) throws {
    guard let dim = layout.dim else {
      throw EmbCompressError.invalidOption(path: path, detail: "a raw table needs --dim (values per row)")
    }
    guard dim > 0 else { throw EmbCompressError.invalidOption(path: path, detail: "--dim must be at least 1, not \(dim)") }
    guard layout.offset >= 0 else {
      throw EmbCompressError.invalidOption(path: path, detail: "--offset must not be negative")
    }
    file = try MappedFile(path: path)
    guard layout.offset <= file.size else {
      throw EmbCompressError.invalidOption(
        path: path, detail: "--offset \(layout.offset) is past the end of the \(file.size)-byte file")
    }
    let (rowBytes, overflow) = dim.multipliedReportingOverflow(by: layout.elementType.byteSize)
    guard !overflow else { throw EmbCompressError.invalidOption(path: path, detail: "--dim \(dim) is too large") }
    let dataBytes = file.size - layout.offset
    let rows: Int
    if let given = layout.rows {
      guard given >= 0 else { throw EmbCompressError.invalidOption(path: path, detail: "--rows must not be negative") }
      let (needed, overflow) = given.multipliedReportingOverflow(by: rowBytes)
      guard !overflow, needed <= dataBytes else {
        throw EmbCompressError.truncated(
          path: path,
          detail: "--rows \(given) of \(rowBytes) bytes needs \(given * rowBytes) bytes after offset \(layout.offset), but the file holds \(dataBytes)")
      }
      rows = given
    } else {
      guard dataBytes % rowBytes == 0 else {
        throw EmbCompressError.rawSizeMismatch(path: path, dataBytes: dataBytes, rowBytes: rowBytes)
      }
      rows = dataBytes / rowBytes
    }
    guard rows > 0 else { throw EmbCompressError.emptyTable(path: path, rows: rows, dim: dim) }
    self.layout = layout
    decoder = ElementDecoder(elementType: layout.elementType, byteOrder: layout.byteOrder)
    info = TableInfo(
      path: path, format: .raw, name: nil, rows: rows, dim: dim, elementType: layout.elementType,
      byteOrder: layout.byteOrder)
  }

  public func readRows(_ range: Range<Int>, into buffer: UnsafeMutableBufferPointer<Float>) throws {
    let rowBytes = info.dim * info.elementType.byteSize
    let start = layout.offset + range.lowerBound * rowBytes
    decoder.decode(from: file.bytes.baseAddress! + start, stride: info.elementType.byteSize, into: buffer)
    file.release(start..<(start + range.count * rowBytes))
  }
}
