/// Everything the report measures about a table and the tables that rebuild it: the error of
/// the fit, its distribution over rows, the baselines of comparable size and the neighbour check.
public struct TableEvaluation: Sendable {
  public var error: ErrorMetrics
  public var histogram: ErrorHistogram
  public var worstRows: [WorstRow]
  /// int8-rowwise, float16, truncated-svd and hash, in that order, less any omitted.
  public var baselines: [Baseline]
  public var omittedBaselines: [OmittedBaseline]
  /// Nil when the sample holds fewer than two non-zero rows.
  public var neighbors: NeighborRecall?
  /// With counts: the same figures weighted by lookups, and the baselines on the same weights.
  public var weighted: WeightedErrorMetrics?

  public init(
    error: ErrorMetrics, histogram: ErrorHistogram, worstRows: [WorstRow], baselines: [Baseline],
    omittedBaselines: [OmittedBaseline], neighbors: NeighborRecall?,
    weighted: WeightedErrorMetrics? = nil
  ) {
    self.error = error
    self.histogram = histogram
    self.worstRows = worstRows
    self.baselines = baselines
    self.omittedBaselines = omittedBaselines
    self.neighbors = neighbors
    self.weighted = weighted
  }
}
