/// The report's error section: whole-table figures and per-row distributions.
public struct ErrorMetrics: Sendable, Equatable, Encodable {
  /// Summary of per-row relative errors (lower is better).
  public struct RowRelative: Sendable, Equatable, Encodable {
    public var mean, p50, p90, p99, max: Double

    public init(mean: Double, p50: Double, p90: Double, p99: Double, max: Double) {
      (self.mean, self.p50, self.p90, self.p99, self.max) = (mean, p50, p90, p99, max)
    }
  }

  /// Summary of per-row cosines (higher is better; the low percentiles are the bad rows).
  public struct Cosine: Sendable, Equatable, Encodable {
    public var mean, p1, p10, p50, min: Double

    public init(mean: Double, p1: Double, p10: Double, p50: Double, min: Double) {
      (self.mean, self.p1, self.p10, self.p50, self.min) = (mean, p1, p10, p50, min)
    }
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

  public init(
    relativeFrobenius: Double, mse: Double, maxAbs: Double, rowRelative: RowRelative, cosine: Cosine,
    squaredError: Double, squaredNorm: Double
  ) {
    self.relativeFrobenius = relativeFrobenius
    self.mse = mse
    self.maxAbs = maxAbs
    self.rowRelative = rowRelative
    self.cosine = cosine
    self.squaredError = squaredError
    self.squaredNorm = squaredNorm
  }

  /// Nearest-rank percentile of ascending `sorted`: the smallest value with at least p% of the
  /// values at or below it.
  public static func percentile(_ sorted: [Float], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
    return Double(sorted[min(sorted.count - 1, max(0, rank - 1))])
  }

  private enum CodingKeys: String, CodingKey {
    case relativeFrobenius = "relative_frobenius", mse, maxAbs = "max_abs", rowRelative = "row_relative", cosine
  }
}
