/// The tensors of a `.qr` file matched to its rule: each tensor the rule names is there with its
/// shape, none is left over, the tables and projection share one float dtype, the exact ids are
/// I64 and the exact rows F32.
///
///     let tensors = try CheckpointTensors(header: header, rule: rule, path: "out.qr")
///     let tables = try tensors.decode(from: file.bytes, dataOffset: header.dataOffset)
struct CheckpointTensors {
  /// One per tensor of the rule, in the rule's order.
  var tensors: [(rule: RuleTensor, stored: SafetensorsHeader.Tensor)]
  var rule: TableRule
  var precision: StoragePrecision
  var path: String

  /// - Parameter allowing: every tensor name the file may hold, when it holds several tables;
  ///   nil for a file of one, which holds this rule's tensors and no other.
  init(header: SafetensorsHeader, rule: TableRule, allowing allowed: Set<String>? = nil, path: String) throws {
    func malformed(_ detail: String) -> EmbCompressError { .malformed(path: path, detail: detail) }
    self.path = path
    self.rule = rule

    let expected = rule.tensors
    var matched: [(rule: RuleTensor, stored: SafetensorsHeader.Tensor)] = []
    for tensor in expected {
      guard let stored = header.tensor(named: tensor.name) else {
        let present = header.tensors.prefix(8).map { UntrustedText.quoted($0.name) }.joined(separator: ", ")
        let what = if case .table = tensor.role { "partition" } else { "the rule's tensor" }
        throw malformed(
          "\(what) \(UntrustedText.quoted(tensor.name)) names no tensor in the file (tensors: \(present.isEmpty ? "none" : present))")
      }
      matched.append((tensor, stored))
    }
    let listed = allowed ?? Set(expected.map(\.name))
    if let extra = header.tensors.first(where: { !listed.contains($0.name) }) {
      throw malformed("tensor \(UntrustedText.quoted(extra.name)) is not listed in the metadata's rule")
    }

    let floats = matched.filter {
      switch $0.rule.role {
      case .table, .projection: true
      case .exactIDs, .exactRows: false
      }
    }
    for (_, tensor) in floats where Self.precision(of: tensor.dtype) == nil {
      throw EmbCompressError.unsupportedElementType(
        path: path,
        detail: "tensor \(UntrustedText.quoted(tensor.name)) holds \(tensor.dtype.rawValue); .qr tables are F32, F16 or BF16")
    }
    let dtypes = Set(floats.map(\.stored.dtype))
    guard dtypes.count == 1, let precision = Self.precision(of: floats[0].stored.dtype) else {
      let listing = floats.map { "\(UntrustedText.quoted($0.stored.name)) \($0.stored.dtype.rawValue)" }.joined(separator: ", ")
      throw malformed("tensors mix dtypes (\(listing)); a .qr stores every table at one precision")
    }
    self.precision = precision
    for (tensor, stored) in matched where stored.dtype != tensor.dtype(precision: precision) {
      throw malformed(
        "tensor \(UntrustedText.quoted(stored.name)) holds \(stored.dtype.rawValue), but the rule stores it as \(tensor.dtype(precision: precision).rawValue)")
    }

    for (tensor, stored) in matched where stored.shape != tensor.shape {
      let shape = "[" + stored.shape.map(String.init).joined(separator: ", ") + "]"
      let needed = "[" + tensor.shape.map(String.init).joined(separator: ", ") + "]"
      let why = if case .table = tensor.role { "its partition needs [modulus, dim] = \(needed)" } else { "the rule needs \(needed)" }
      throw malformed("tensor \(UntrustedText.quoted(stored.name)) has shape \(shape), but \(why)")
    }
    tensors = matched
  }

  /// The total bytes of the tensors, which make up the whole data section.
  var byteCount: Int { tensors.reduce(0) { $0 + $1.stored.span.count } }

  /// Widens every table exactly as stored; a NaN or ±Inf is `.malformed`, since no fitted table
  /// holds one and the rebuilt rows would carry it silently, and so are exact ids that do not
  /// ascend inside `[0, rows)`.
  func decode(from bytes: UnsafeRawBufferPointer, dataOffset: Int) throws -> RuleTables {
    var weights = rule.terms.map { [[Float]](repeating: [], count: $0.partitions.count) }
    var projection: [Float] = []
    var exactIDs: [Int] = []
    var exactRows: [Float] = []
    for (tensor, stored) in tensors {
      let start = bytes.baseAddress! + dataOffset + stored.span.lowerBound
      switch tensor.role {
      case .table(let term, let partition):
        weights[term][partition] = try floats(stored, at: start, as: precision)
      case .projection:
        projection = try floats(stored, at: start, as: precision)
      case .exactRows:
        exactRows = try floats(stored, at: start, as: .f32)
      case .exactIDs:
        exactIDs = (0..<tensor.elementCount).map { index in
          Int(Int64(littleEndian: UnsafeRawPointer(start).loadUnaligned(fromByteOffset: index * 8, as: Int64.self)))
        }
        for (index, id) in exactIDs.enumerated() {
          guard id >= 0, id < rule.rows else {
            throw EmbCompressError.malformed(
              path: path, detail: "exact_ids[\(index)] is \(id), outside the table's rows [0, \(rule.rows))")
          }
          guard index == 0 || exactIDs[index - 1] < id else {
            throw EmbCompressError.malformed(
              path: path, detail: "exact_ids[\(index)] is \(id), not above exact_ids[\(index - 1)]; the ids must ascend")
          }
        }
      }
    }
    let terms = zip(rule.terms, weights).map { CompositionalTables(layout: $0, weights: $1) }
    return RuleTables(rule: rule, terms: terms, projection: projection, exactIDs: exactIDs, exactRows: exactRows)
  }

  private func floats(_ tensor: SafetensorsHeader.Tensor, at start: UnsafeRawPointer, as precision: StoragePrecision) throws -> [Float] {
    let elementType: ElementType =
      switch precision {
      case .f32: .float32
      case .f16: .float16
      case .bf16: .bfloat16
      }
    let decoder = ElementDecoder(elementType: elementType, byteOrder: .little)
    let count = tensor.span.count / elementType.byteSize
    let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
      if count > 0 {
        decoder.decode(from: start, stride: elementType.byteSize, into: UnsafeMutableBufferPointer(rebasing: buffer[0..<count]))
      }
      initialized = count
    }
    try values.withUnsafeBufferPointer { buffer in
      guard let first = NonFiniteScan.firstIndex(in: buffer) else { return }
      let width = tensor.shape.count > 1 ? tensor.shape[1] : 1
      let bad = NonFiniteScan.count(in: buffer)
      throw EmbCompressError.malformed(
        path: path,
        detail: "tensor \(UntrustedText.quoted(tensor.name)) holds \(bad) NaN or ±Inf value\(bad == 1 ? "" : "s"); the first at [\(first / width), \(first % width)]")
    }
    return values
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
