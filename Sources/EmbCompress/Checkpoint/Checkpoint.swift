/// A `.qr` checkpoint: the tensors of a `TableRule` as a safetensors file whose metadata states
/// the rule that rebuilds the table from them (docs/checkpoint-format.md).
///
/// A plain rule (one term, no projection, no exact rows) is written as format 1, with DLRM's
/// tensor names, so DLRM and every format-1 reader still load it; anything else is format 2.
///
///     let checkpoint = Checkpoint(tables: fitted, precision: .f16, source: "in.h5:/emb", relativeError: 0.12)
///     let output = try AtomicOutput(path: "out.qr", replacing: false)
///     try checkpoint.write(header: checkpoint.encodedHeader(), to: output)
///     try output.commit()
public struct Checkpoint: Sendable {
  public static let formatName = "embcompress.qr/1"
  public static let formatTwoName = "embcompress.qr/2"
  /// The formats this version reads.
  public static let readableFormats = [formatName, formatTwoName]

  /// The tables as stored, already rounded to `precision`.
  public var tables: RuleTables
  public var precision: StoragePrecision
  /// The input file, and its dataset or tensor when it has one.
  public var source: String
  /// The report's relative Frobenius error of these tables against the input.
  public var relativeError: Double

  public init(tables: RuleTables, precision: StoragePrecision, source: String, relativeError: Double) {
    self.tables = tables.rounded(to: precision)
    self.precision = precision
    self.source = source
    self.relativeError = relativeError
  }

  public init(tables: CompositionalTables, precision: StoragePrecision, source: String, relativeError: Double) {
    self.init(tables: RuleTables(tables), precision: precision, source: source, relativeError: relativeError)
  }

  public var rule: TableRule { tables.rule }

  /// The format this rule needs: 1 when plain, else 2.
  public var format: String { rule.isPlain ? Self.formatName : Self.formatTwoName }

  /// The bytes the tensors occupy, without header.
  public var tensorBytes: Int { rule.tensorBytes(precision: precision) }

  /// The header (length and padded JSON) with the metadata, including the data's sha256.
  ///
  /// Hashing encodes the tables once in slices; nothing the size of the file is held.
  public func encodedHeader() -> [UInt8] { encodedHeader(digest: dataDigest()) }

  /// The header with `digest` (what `dataDigest()` gives, perhaps computed ahead) as its sha256.
  func encodedHeader(digest: String) -> [UInt8] {
    var writer = SafetensorsWriter()
    declareTensors(in: &writer)
    return writer.headerBytes(
      metadata: [("format", format)] + tableEntries + [("sha256", digest), ("producer", EmbCompressVersion.producer)])
  }

  /// The sha256 of the data section, in hex: what the header records.
  func dataDigest() -> String { SHA256Hex.digest { feed in forEachDataSlice(feed) } }

  /// The metadata that describes this table alone: its rule, source and error.
  var tableEntries: [(String, String)] {
    RuleMetadata.entries(for: rule) + [("source", source), ("relative_error", String(relativeError))]
  }

  func declareTensors(in writer: inout SafetensorsWriter) {
    for tensor in rule.tensors {
      writer.declare(name: tensor.name, dtype: tensor.dtype(precision: precision), shape: tensor.shape)
    }
  }

  /// Hands the data section to `body` in file order, in slices of at most 4 MiB encoded into
  /// one reused buffer.
  public func forEachDataSlice(_ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
    let sliceValues = 1 << 19
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: sliceValues * 8, alignment: 8)
    defer { buffer.deallocate() }
    func emit(_ values: [Float], as precision: StoragePrecision) throws {
      try values.withUnsafeBufferPointer { values in
        var start = 0
        while start < values.count {
          let end = min(values.count, start + sliceValues)
          let slice = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<((end - start) * precision.byteSize)])
          TensorEncoding.encode(UnsafeBufferPointer(rebasing: values[start..<end]), precision: precision, into: slice)
          try body(UnsafeRawBufferPointer(slice))
          start = end
        }
      }
    }
    for tensor in rule.tensors {
      switch tensor.role {
      case .table(let term, let partition): try emit(tables.terms[term].weights[partition], as: precision)
      case .projection: try emit(tables.projection, as: precision)
      case .exactRows: try emit(tables.exactRows, as: .f32)
      case .exactIDs:
        var start = 0
        while start < tables.exactIDs.count {
          let end = min(tables.exactIDs.count, start + sliceValues)
          for (offset, id) in tables.exactIDs[start..<end].enumerated() {
            buffer.storeBytes(of: Int64(id).littleEndian, toByteOffset: offset * 8, as: Int64.self)
          }
          try body(UnsafeRawBufferPointer(rebasing: buffer[0..<((end - start) * 8)]))
          start = end
        }
      }
    }
  }

  /// Writes the whole file to `output`: `header` (from `encodedHeader()`), then the data.
  public func write(header: [UInt8], to output: AtomicOutput) throws {
    try header.withUnsafeBytes { try output.write($0) }
    try forEachDataSlice { try output.write($0) }
  }

  /// The complete file in memory; for small tables and tests.
  public func serialized() -> [UInt8] {
    var file = encodedHeader()
    file.reserveCapacity(file.count + tensorBytes)
    forEachDataSlice { file += $0 }
    return file
  }
}
