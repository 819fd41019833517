/// The tensors of a `.qr` file matched to its partitions: one per partition, none left over,
/// each `[modulus, dim]` in the same float dtype.
///
///     let tensors = try CheckpointTensors(header: header, layout: layout, path: "out.qr")
///     let weights = try tensors.decode(from: file.bytes, dataOffset: header.dataOffset)
struct CheckpointTensors {
  /// One per partition, in partition order.
  var tensors: [SafetensorsHeader.Tensor]
  var precision: StoragePrecision
  var path: String

  init(header: SafetensorsHeader, layout: CompositionalLayout, path: String) throws {
    func malformed(_ detail: String) -> EmbCompressError { .malformed(path: path, detail: detail) }
    self.path = path

    var matched: [SafetensorsHeader.Tensor] = []
    for partition in layout.partitions {
      guard let tensor = header.tensor(named: partition.tensor) else {
        let present = header.tensors.map { UntrustedText.quoted($0.name) }.joined(separator: ", ")
        throw malformed(
          "partition \(UntrustedText.quoted(partition.tensor)) names no tensor in the file (tensors: \(present.isEmpty ? "none" : present))")
      }
      matched.append(tensor)
    }
    let listed = Set(layout.partitions.map(\.tensor))
    if let extra = header.tensors.first(where: { !listed.contains($0.name) }) {
      throw malformed("tensor \(UntrustedText.quoted(extra.name)) is not listed in the metadata's partitions")
    }

    for tensor in matched where Self.precision(of: tensor.dtype) == nil {
      throw EmbCompressError.unsupportedElementType(
        path: path,
        detail: "tensor \(UntrustedText.quoted(tensor.name)) holds \(tensor.dtype.rawValue); .qr tables are F32, F16 or BF16")
    }
    let dtypes = Set(matched.map(\.dtype))
    guard dtypes.count == 1, let precision = Self.precision(of: matched[0].dtype) else {
      let listing = matched.map { "\(UntrustedText.quoted($0.name)) \($0.dtype.rawValue)" }.joined(separator: ", ")
      throw malformed("tensors mix dtypes (\(listing)); a .qr stores every tensor at one precision")
    }
    self.precision = precision

    for (tensor, partition) in zip(matched, layout.partitions) where tensor.shape != [partition.modulus, partition.dim] {
      let shape = "[" + tensor.shape.map(String.init).joined(separator: ", ") + "]"
      throw malformed(
        "tensor \(UntrustedText.quoted(tensor.name)) has shape \(shape), but its partition needs [modulus \(partition.modulus), dim \(partition.dim)]")
    }
    tensors = matched
  }

  /// The total bytes of the tensors, which make up the whole data section.
  var byteCount: Int { tensors.reduce(0) { $0 + $1.span.count } }

  /// Widens each tensor to `Float` exactly as stored; a NaN or ±Inf is `.malformed`, since no
  /// fitted table holds one and the rebuilt rows would carry it silently.
  func decode(from bytes: UnsafeRawBufferPointer, dataOffset: Int) throws -> [[Float]] {
    let decoder = ElementDecoder(elementType: elementType, byteOrder: .little)
    return try tensors.map { tensor in
      let count = tensor.span.count / elementType.byteSize
      let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
        if count > 0 {
          decoder.decode(
            from: bytes.baseAddress! + dataOffset + tensor.span.lowerBound, stride: elementType.byteSize,
            into: UnsafeMutableBufferPointer(rebasing: buffer[0..<count]))
        }
        initialized = count
      }
      try values.withUnsafeBufferPointer { buffer in
        guard let first = NonFiniteScan.firstIndex(in: buffer) else { return }
        let width = tensor.shape[1]
        let bad = NonFiniteScan.count(in: buffer)
        throw EmbCompressError.malformed(
          path: path,
          detail: "tensor \(UntrustedText.quoted(tensor.name)) holds \(bad) NaN or ±Inf value\(bad == 1 ? "" : "s"); the first at [\(first / width), \(first % width)]")
      }
      return values
    }
  }

  private var elementType: ElementType {
    switch precision {
    case .f32: .float32
    case .f16: .float16
    case .bf16: .bfloat16
    }
  }

  private static func precision(of dtype: SafetensorsDType) -> StoragePrecision? {
    switch dtype {
    case .f32: .f32
    case .f16: .f16
    case .bf16: .bf16
    default: nil
    }
  }
}
