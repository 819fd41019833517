/// A table in a `.npy` file, memory-mapped; C and Fortran order are both read row by row.
public final class NpyTableSource: TableSource {
  public let info: TableInfo
  public let header: NpyHeader
  private let file: MappedFile
  private let decoder: ElementDecoder

  public init(path: String) throws {
    file = try MappedFile(path: path)
    header = try NpyHeader(bytes: file.bytes, path: path)
    guard let element = header.element else {
      throw EmbCompressError.unsupportedElementType(
        path: path, detail: "holds '\(header.descr)' values; a table must be float16, float32 or float64")
    }
    guard header.shape.count == 2 else {
      throw EmbCompressError.notTwoDimensional(path: path, name: "the array", shape: header.shape)
    }
    let (rows, dim) = (header.shape[0], header.shape[1])
    guard rows > 0, dim > 0 else { throw EmbCompressError.emptyTable(path: path, rows: rows, dim: dim) }
    let (count, overflow) = rows.multipliedReportingOverflow(by: dim)
    let (needed, overflow2) = count.multipliedReportingOverflow(by: element.type.byteSize)
    guard !overflow, !overflow2 else {
      throw EmbCompressError.malformed(path: path, detail: "shape \(header.shape) is too large")
    }
    let available = file.size - header.dataOffset
    guard needed <= available else {
      throw EmbCompressError.truncated(
        path: path, detail: "shape \(rows)×\(dim) needs \(needed) data bytes but the file holds \(available)")
    }
    decoder = ElementDecoder(elementType: element.type, byteOrder: element.order)
    info = TableInfo(
      path: path, format: .npy, name: nil, rows: rows, dim: dim, elementType: element.type,
      byteOrder: element.order)
  }

  public func readRows(_ range: Range<Int>, into buffer: UnsafeMutableBufferPointer<Float>) throws {
    let size = info.elementType.byteSize
    let dim = info.dim
    let data = file.bytes.baseAddress! + header.dataOffset
    if !header.fortranOrder {
      let start = range.lowerBound * dim * size
      decoder.decode(from: data + start, stride: size, into: buffer)
      file.release((header.dataOffset + start)..<(header.dataOffset + range.upperBound * dim * size))
      return
    }
    // Column-major: each column's slice of these rows is contiguous; gather it, then scatter.
    let column = UnsafeMutableBufferPointer<Float>.allocate(capacity: range.count)
    defer { column.deallocate() }
    for c in 0..<dim {
      let start = (c * info.rows + range.lowerBound) * size
      decoder.decode(from: data + start, stride: size, into: column)
      for r in 0..<range.count { buffer[r * dim + c] = column[r] }
      file.release((header.dataOffset + start)..<(header.dataOffset + start + range.count * size))
    }
  }
}
