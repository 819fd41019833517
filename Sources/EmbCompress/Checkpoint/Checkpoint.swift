import Crypto

/// A `.qr` checkpoint (format `embcompress.qr/1`): the compact tables as a safetensors file whose
/// metadata states the rule that rebuilds the table from them.
///
/// For id `i`, `index_j = (i / divisor_j) % modulus_j`; the embedding is the product, sum or
/// concatenation (in listed order) of `tensor_j[index_j]`. See docs/checkpoint-format.md.
///
///     let checkpoint = Checkpoint(tables: fitted, precision: .f16, source: "in.h5:/emb", relativeError: 0.12)
///     let output = try AtomicOutput(path: "out.qr", replacing: false)
///     try checkpoint.write(header: checkpoint.encodedHeader(), to: output)
///     try output.commit()
public struct Checkpoint: Sendable {
  public static let formatName = "embcompress.qr/1"

  /// The tables as stored, already rounded to `precision`.
  public var tables: CompositionalTables
  public var precision: StoragePrecision
  /// The input file, and its dataset or tensor when it has one.
  public var source: String
  /// The report's relative Frobenius error of these tables against the input.
  public var relativeError: Double

  public init(tables: CompositionalTables, precision: StoragePrecision, source: String, relativeError: Double) {
    self.tables = tables.rounded(to: precision)
    self.precision = precision
    self.source = source
    self.relativeError = relativeError
  }

  /// The bytes the tensors occupy, without header.
  public var tensorBytes: Int { tables.layout.parameterCount * precision.byteSize }

  /// The `partitions` metadata value: a JSON array in combination order.
  public var partitionsJSON: String {
    JSONText.array(
      tables.layout.partitions.map { partition in
        JSONText.object([
          ("tensor", JSONText.string(partition.tensor)),
          ("divisor", String(partition.divisor)),
          ("modulus", String(partition.modulus)),
          ("dim", String(partition.dim)),
        ])
      })
  }

  /// The header (length and padded JSON) with the metadata, including the data's sha256.
  ///
  /// Hashing encodes the tables once in slices; nothing the size of the file is held.
  public func encodedHeader() -> [UInt8] {
    var hasher = SHA256()
    forEachDataSlice { hasher.update(bufferPointer: $0) }
    let digest = hasher.finalize().map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    var writer = SafetensorsWriter()
    for partition in tables.layout.partitions {
      writer.declare(name: partition.tensor, dtype: TensorEncoding.dtype(precision), shape: [partition.modulus, partition.dim])
    }
    let layout = tables.layout
    return writer.headerBytes(metadata: [
      ("format", Self.formatName),
      ("rows", String(layout.rows)),
      ("dim", String(layout.dim)),
      ("scheme", layout.scheme.rawValue),
      ("operation", layout.operation.rawValue),
      ("partitions", partitionsJSON),
      ("source", source),
      ("relative_error", String(relativeError)),
      ("sha256", digest),
      ("producer", EmbCompressVersion.producer),
    ])
  }

  /// Hands the data section to `body` in file order, in slices of at most 4 MiB encoded at
  /// `precision` into one reused buffer.
  public func forEachDataSlice(_ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
    let sliceValues = 1 << 20
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: sliceValues * precision.byteSize, alignment: 8)
    defer { buffer.deallocate() }
    for weights in tables.weights {
      try weights.withUnsafeBufferPointer { values in
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

extension String {
  func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
