import Crypto

/// A `.qr` checkpoint (format `embcompress.qr/1`): the compact tables as a safetensors file whose
/// metadata states the rule that rebuilds the table from them.
///
/// For id `i`, `index_j = (i / divisor_j) % modulus_j`; the embedding is the product, sum or
/// concatenation (in listed order) of `tensor_j[index_j]`. See docs/checkpoint-format.md.
///
///     let checkpoint = Checkpoint(tables: fitted, precision: .f16, source: "in.h5:/emb", relativeError: 0.12)
///     try AtomicFile.write(checkpoint.serialized(), to: "out.qr", replacing: false)
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

  /// The complete file.
  public func serialized() -> [UInt8] {
    var writer = SafetensorsWriter()
    for (partition, weights) in zip(tables.layout.partitions, tables.weights) {
      writer.append(
        name: partition.tensor, dtype: TensorEncoding.dtype(precision), shape: [partition.modulus, partition.dim],
        data: TensorEncoding.bytes(weights, precision: precision))
    }
    let digest = SHA256.hash(data: writer.data).map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    let layout = tables.layout
    return writer.serialized(metadata: [
      ("format", Self.formatName),
      ("rows", String(layout.rows)),
      ("dim", String(layout.dim)),
      ("scheme", layout.scheme.rawValue),
      ("operation", layout.operation.rawValue),
      ("partitions", partitionsJSON),
      ("source", source),
      ("relative_error", String(relativeError)),
      ("sha256", digest),
    ])
  }
}

extension String {
  func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
