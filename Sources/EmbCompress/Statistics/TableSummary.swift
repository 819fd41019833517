/// What `embcompress info` reports: where the table is, its shape and type, its row norms.
///
///     let summary = try TableSummary(measuring: openTable("in.h5"))
///     summary.rowNorm.max
public struct TableSummary: Sendable, Equatable, Encodable {
  public var path: String
  public var format: TableFormat
  /// The HDF5 dataset or safetensors tensor; nil for .npy and raw.
  public var dataset: String?
  public var rows: Int
  public var dim: Int
  public var dtype: ElementType
  public var byteOrder: ByteOrder
  public var bytes: Int
  public var rowNorm: RowNormStatistics

  /// Reads the whole table once to measure its row norms (which also checks every value is finite).
  public init(measuring source: any TableSource, maxBlockBytes: Int = BlockSizing.defaultMaxBytes) throws {
    let info = source.info
    var stats = RowNormStatistics()
    try source.forEachBlock(maxBlockBytes: maxBlockBytes) { stats.add($0) }
    path = info.path
    format = info.format
    dataset = info.name
    rows = info.rows
    dim = info.dim
    dtype = info.elementType
    byteOrder = info.byteOrder
    bytes = info.bytes
    rowNorm = stats
  }

  private enum CodingKeys: String, CodingKey {
    case path, format, dataset, rows, dim, dtype, byteOrder = "byte_order", bytes, rowNorm = "row_norm"
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(path, forKey: .path)
    try container.encode(format, forKey: .format)
    // Explicit null, so the key is always there for scripts.
    try container.encode(dataset, forKey: .dataset)
    try container.encode(rows, forKey: .rows)
    try container.encode(dim, forKey: .dim)
    try container.encode(dtype, forKey: .dtype)
    try container.encode(byteOrder, forKey: .byteOrder)
    try container.encode(bytes, forKey: .bytes)
    try container.encode(rowNorm, forKey: .rowNorm)
  }
}
