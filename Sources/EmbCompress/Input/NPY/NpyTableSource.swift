/// A table in a `.npy` file, read with `pread` (a file truncated meanwhile is an I/O error, not
/// SIGBUS); C and Fortran order are both read row by row.
public final class NpyTableSource: TableSource {
  public let info: TableInfo
  public let header: NpyHeader
  private let file: InputFile
  private let decoder: ElementDecoder

  public init(path: String) throws {
    file = try InputFile(path: path)
    // The preamble says how long the header is (2 bytes in version 1, 4 after); read that much.
    let preamble = try file.bytes(at: 0, count: 12)
    var headerEnd = preamble.count
    if preamble.count >= 10 {
      let wide = preamble[6] >= 2
      var length = Int(preamble[8]) | Int(preamble[9]) << 8
      if wide, preamble.count >= 12 { length |= Int(preamble[10]) << 16 | Int(preamble[11]) << 24 }
      headerEnd = (wide ? 12 : 10) + length
    }
    let headerBytes = try file.bytes(at: 0, count: headerEnd)
    header = try headerBytes.withUnsafeBytes { try NpyHeader(bytes: $0, path: path) }
    guard let element = header.element else {
      throw EmbCompressError.unsupportedElementType(
        path: path, detail: "holds \(UntrustedText.quoted(header.descr)) values; a table must be float16, float32 or float64")
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
    if !header.fortranOrder {
      try file.readValues(at: header.dataOffset + range.lowerBound * dim * size, decoder: decoder, into: buffer)
      return
    }
    // Column-major: each column's slice of these rows is contiguous; gather it, then scatter.
    let column = UnsafeMutableBufferPointer<Float>.allocate(capacity: range.count)
    defer { column.deallocate() }
    for c in 0..<dim {
      try file.readValues(at: header.dataOffset + (c * info.rows + range.lowerBound) * size, decoder: decoder, into: column)
      for r in 0..<range.count { buffer[r * dim + c] = column[r] }
    }
  }
}
