/// What `embcompress info` reports: where the table is, its shape and type, its row norms.
///
///     let summary = try TableSummary(measuring: openTable("in.h5"))
///     summary.rowNorm.max
public struct TableSummary: Sendable, Equatable, Encodable {
  public var info: TableInfo
  public var rowNorm: RowNormStatistics

  /// Reads the whole table once to measure its row norms (which also checks every value is finite).
  public init(measuring source: any TableSource, maxBlockBytes: Int = BlockSizing.defaultMaxBytes) throws {
    var stats = RowNormStatistics()
    try source.forEachBlock(maxBlockBytes: maxBlockBytes) { stats.add($0) }
    info = source.info
    rowNorm = stats
  }

  private enum CodingKeys: String, CodingKey { case rowNorm = "row_norm" }

  /// The table's keys (see `TableInfo`), plus `row_norm`.
  public func encode(to encoder: any Encoder) throws {
    try info.encode(to: encoder)
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(rowNorm, forKey: .rowNorm)
  }
}
