/// The report of one conversion (`embcompress.report/1`): what went in, what came out, how close
/// the stored tables are to the input, and what the fit did.
public struct ConversionReport: Sendable, Encodable {
  public struct Input: Sendable, Encodable {
    public var path: String
    public var format: TableFormat
    public var dataset: String?
    public var rows: Int
    public var dim: Int
    public var dtype: ElementType
    public var bytes: Int

    public init(_ info: TableInfo) {
      path = info.path
      format = info.format
      dataset = info.name
      rows = info.rows
      dim = info.dim
      dtype = info.elementType
      bytes = info.bytes
    }

    public func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(path, forKey: .path)
      try container.encode(format, forKey: .format)
      try container.encode(dataset, forKey: .dataset)
      try container.encode(rows, forKey: .rows)
      try container.encode(dim, forKey: .dim)
      try container.encode(dtype, forKey: .dtype)
      try container.encode(bytes, forKey: .bytes)
    }

    private enum CodingKeys: String, CodingKey { case path, format, dataset, rows, dim, dtype, bytes }
  }

  public struct Checkpoint: Sendable, Encodable {
    public var path: String
    /// The whole file, header included.
    public var bytes: Int
    public var tensorBytes: Int
    public var precision: StoragePrecision
    public var scheme: PartitionScheme
    public var operation: CombineOperation
    public var partitions: [Partition]

    private enum CodingKeys: String, CodingKey {
      case path, bytes, tensorBytes = "tensor_bytes", precision, scheme, operation, partitions
    }
  }

  public struct Fit: Sendable, Encodable {
    public var passes: Int
    public var iterations: Int
    public var converged: Bool
    public var seconds: Double
  }

  public var format = "embcompress.report/1"
  public var input: Input
  public var checkpoint: Checkpoint
  /// rows · dim · input element size / checkpoint tensor bytes.
  public var compressionRatio: Double
  public var error: ErrorMetrics
  public var fit: Fit
  /// Wall time of the whole conversion, reading through writing.
  public var seconds: Double

  private enum CodingKeys: String, CodingKey {
    case format, input, checkpoint, compressionRatio = "compression_ratio", error, fit, seconds
  }
}
