/// A 2-D float tensor in a safetensors file (a model checkpoint, say), read with `pread` (a file
/// truncated meanwhile is an I/O error, not SIGBUS).
public final class SafetensorsTableSource: TableSource {
  public let info: TableInfo
  public let header: SafetensorsHeader
  private let file: InputFile
  private let start: Int
  private let decoder: ElementDecoder

  /// Opens tensor `name`, or, without one, the only 2-D float tensor in the file.
  public init(path: String, name: String?) throws {
    let file = try InputFile(path: path)
    self.file = file
    // The first 8 bytes give the header's length; only the header is read here.
    let lengthBytes = try file.bytes(at: 0, count: 8)
    var length = 0
    if lengthBytes.count == 8 {
      let declared = lengthBytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self).littleEndian }
      length = Int(min(declared, UInt64(SafetensorsHeader.maxHeaderBytes)))
    }
    let prefix = try file.bytes(at: 0, count: 8 + length)
    header = try prefix.withUnsafeBytes { try SafetensorsHeader(prefix: $0, fileSize: file.size, path: path) }
    let tables = header.tensors.filter { $0.shape.count == 2 && $0.dtype.elementType != nil }
    let describe = { (t: SafetensorsHeader.Tensor) in
      "\(UntrustedText.escaped(t.name)) (\(t.shape.map(String.init).joined(separator: "×")) \(t.dtype.rawValue))"
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
        let found = header.tensors.isEmpty ? "none" : UntrustedText.list(header.tensors.map(describe))
        throw EmbCompressError.noTableFound(
          path: path, detail: "no 2-D floating-point tensor (tensors: \(found))")
      }
      tensor = only
    }
    guard let elementType = tensor.dtype.elementType else {
      throw EmbCompressError.unsupportedElementType(
        path: path, detail: "tensor \(UntrustedText.quoted(tensor.name)) holds \(tensor.dtype.rawValue); a table must be F16, BF16, F32 or F64")
    }
    guard tensor.shape.count == 2 else {
      throw EmbCompressError.notTwoDimensional(path: path, name: "tensor \(UntrustedText.quoted(tensor.name))", shape: tensor.shape)
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
    try file.readValues(at: start + range.lowerBound * rowBytes, decoder: decoder, into: buffer)
  }
}
