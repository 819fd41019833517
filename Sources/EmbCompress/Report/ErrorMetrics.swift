/// The report's error section: whole-table figures and per-row distributions.
public struct ErrorMetrics: Sendable, Equatable, Encodable {
  /// Summary of per-row relative errors (lower is better).
  public struct RowRelative: Sendable, Equatable, Encodable {
    public var mean, p50, p90, p99, max: Double
  }

  /// Summary of per-row cosines (higher is better; the low percentiles are the bad rows).
  public struct Cosine: Sendable, Equatable, Encodable {
    public var mean, p1, p10, p50, min: Double
  }

  /// ||E − Ê||_F / ||E||_F.
  public var relativeFrobenius: Double
  /// Mean squared error over all values.
  public var mse: Double
  public var maxAbs: Double
  public var rowRelative: RowRelative
  public var cosine: Cosine
  /// ‖E − Ê‖²_F and ‖E‖²_F, so figures over several tables can be combined exactly.
  public var squaredError: Double
  public var squaredNorm: Double

  public init(_ errors: RowErrors) {
    relativeFrobenius = RowErrors.relative(errorSquared: errors.squaredError, normSquared: errors.squaredNorm)
    squaredError = errors.squaredError
    squaredNorm = errors.squaredNorm
    mse = errors.squaredError / Double(max(1, errors.valueCount))
    maxAbs = errors.maxAbsoluteError
    let relative = errors.relative.sorted()
    let cosine = errors.cosine.sorted()
    rowRelative = RowRelative(
      mean: Self.mean(relative), p50: Self.percentile(relative, 50), p90: Self.percentile(relative, 90),
      p99: Self.percentile(relative, 99), max: Double(relative.last ?? 0))
    self.cosine = Cosine(
      mean: Self.mean(cosine), p1: Self.percentile(cosine, 1), p10: Self.percentile(cosine, 10),
      p50: Self.percentile(cosine, 50), min: Double(cosine.first ?? 0))
  }

  /// Nearest-rank percentile of ascending `sorted`: the smallest value with at least p% of the
  /// values at or below it.
  public static func percentile(_ sorted: [Float], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
    return Double(sorted[min(sorted.count - 1, max(0, rank - 1))])
  }

  static func mean(_ values: [Float]) -> Double {
    values.isEmpty ? 0 : values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
  }

  private enum CodingKeys: String, CodingKey {
    case relativeFrobenius = "relative_frobenius", mse, maxAbs = "max_abs", rowRelative = "row_relative", cosine
  }
}
