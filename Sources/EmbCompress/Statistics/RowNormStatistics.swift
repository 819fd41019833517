/// Minimum, mean and maximum of the rows' Euclidean norms, accumulated block by block.
///
///     var stats = RowNormStatistics()
///     try table.forEachBlock { stats.add($0) }
///     print(stats.mean)
public struct RowNormStatistics: Sendable, Equatable, Encodable {
  public private(set) var count = 0
  public private(set) var min = Double.infinity
  public private(set) var max = 0.0
  private var sum = 0.0

  public init() {}

  public var mean: Double { count == 0 ? 0 : sum / Double(count) }

  public mutating func add(_ block: RowBlock) {
    for id in block.rows {
      let norm = Self.norm(block.row(id))
      count += 1
      sum += norm
      min = Swift.min(min, norm)
      max = Swift.max(max, norm)
    }
  }

  /// The Euclidean norm of `row`, accumulated in `Double` eight lanes at a time.
  @inlinable
  public static func norm(_ row: UnsafeBufferPointer<Float>) -> Double {
    var lanes = SIMD8<Double>()
    var index = 0
    while index + 8 <= row.count {
      let v = SIMD8<Double>(UnsafeRawPointer(row.baseAddress! + index).loadUnaligned(as: SIMD8<Float>.self))
      lanes += v * v
      index += 8
    }
    var total = lanes.sum()
    while index < row.count {
      total += Double(row[index]) * Double(row[index])
      index += 1
    }
    return total.squareRoot()
  }

  private enum CodingKeys: String, CodingKey { case min, mean, max }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(count == 0 ? 0 : min, forKey: .min)
    try container.encode(mean, forKey: .mean)
    try container.encode(max, forKey: .max)
  }
}
