/// A 2-D float tensor in a safetensors file (a model checkpoint, say), memory-mapped.
public final class SafetensorsTableSource: TableSource {
  public let info: TableInfo
  public let header: SafetensorsHeader
  private let file: MappedFile
  private let start: Int
  private let decoder: ElementDecoder

  /// Opens tensor `name`, or, without one, the only 2-D float tensor in the file.
  public init(path: String, name: String?) throws {
    file = try MappedFile(path: path)
    header = try SafetensorsHeader(bytes: file.bytes, path: path)
    let tables = header.tensors.filter { $0.shape.count == 2 && $0.dtype.elementType != nil }
    let describe = { (t: SafetensorsHeader.Tensor) in
      "\(t.name) (\(t.shape.map(String.init).joined(separator: "×")) \(t.dtype.rawValue))"
    }
    let tensor: SafetensorsHeader.Tensor
    if let name {
      guard let named = header.tensor(named: name) else {
        throw EmbCompressError.tableNotFound(path: path, name: name, candidates: tables.map(describe))
      }
      tensor = named
    } else {
      guard tables.count <= 1 else {
        throw EmbCompressError.ambiguousTable(path: path, candidates: tables.map { "--tensor " + describe($0) })
      }
      guard let only = tables.first else {
        let found = header.tensors.isEmpty ? "none" : header.tensors.map(describe).joined(separator: ", ")
        throw EmbCompressError.noTableFound(
          path: path, detail: "no 2-D floating-point tensor (tensors: \(found))")
      }
      tensor = only
    }
    guard let elementType = tensor.dtype.elementType else {
      throw EmbCompressError.unsupportedElementType(
        path: path, detail: "tensor '\(tensor.name)' holds \(tensor.dtype.rawValue); a table must be F16, BF16, F32 or F64")
    }
    guard tensor.shape.count == 2 else {
      throw EmbCompressError.notTwoDimensional(path: path, name: "tensor '\(tensor.name)'", shape: tensor.shape)
    }
    guard tensor.shape[0] > 0, tensor.shape[1] > 0 else {
      throw EmbCompressError.emptyTable(path: path, rows: tensor.shape[0], dim: tensor.shape[1])
    }
    start = header.dataOffset + tensor.span.lowerBound
    decoder = ElementDecoder(elementType: elementType, byteOrder: .little)
    info = TableInfo(
      path: path, format: .safetensors, name: tensor.name, rows: tensor.shape[0], dim: tensor.shape[1],
      elementType: elementType, byteOrder: .little)
  }

  public func readRows(_ range: Range<Int>, into buffer: UnsafeMutableBufferPointer<Float>) throws {
    let rowBytes = info.dim * info.elementType.byteSize
    let offset = start + range.lowerBound * rowBytes
    decoder.decode(from: file.bytes.baseAddress! + offset, stride: info.elementType.byteSize, into: buffer)
    file.release(offset..<(offset + range.count * rowBytes))
  }
}
