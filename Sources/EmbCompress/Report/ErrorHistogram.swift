/// Per-row relative errors counted in fixed bins, for plotting (`histogram` in the report).
///
/// Twenty bins of width 0.05 cover 0 to 1: bin i holds errors in [i/20, (i+1)/20), the last one
/// closed at 1 (so a row rebuilt as zero, error exactly 1, lands in it). Errors above 1 — a row
/// rebuilt further from itself than zero is — are counted in `overflow`. The bins never move, so
/// histograms of different runs compare directly.
public struct ErrorHistogram: Sendable, Equatable, Encodable {
  public static let binCount = 20

  /// Which per-row figure is counted: `row_relative`, ‖E_i − Ê_i‖ / ‖E_i‖.
  public var metric = "row_relative"
  /// The 21 edges 0, 0.05, …, 1.
  public var binEdges: [Double]
  /// Rows per bin, 20 values.
  public var counts: [Int]
  /// Rows with error above 1.
  public var overflow: Int

  /// From counts already binned: 20 bins, then the overflow.
  init(binned: [Int]) {
    precondition(binned.count == Self.binCount + 1)
    binEdges = Self.edges
    counts = Array(binned[0..<Self.binCount])
    overflow = binned[Self.binCount]
  }

  /// 0, 0.05, …, 1.
  public static var edges: [Double] { (0...binCount).map { Double($0) / Double(binCount) } }

  public init(_ relativeErrors: [Float]) {
    binEdges = (0...Self.binCount).map { Double($0) / Double(Self.binCount) }
    var counts = [Int](repeating: 0, count: Self.binCount)
    var overflow = 0
    for error in relativeErrors {
      if let bin = Self.bin(of: Double(error)) { counts[bin] += 1 } else { overflow += 1 }
    }
    self.counts = counts
    self.overflow = overflow
  }

  /// The bin of `error`, nil above 1: ⌊20·error⌋ (in Double), 19 for exactly 1.
  public static func bin(of error: Double) -> Int? {
    guard error <= 1 else { return nil }
    return min(binCount - 1, max(0, Int((error * Double(binCount)).rounded(.down))))
  }

  private enum CodingKeys: String, CodingKey { case metric, binEdges = "bin_edges", counts, overflow }
}
