/// The error part of the report, from the measuring pass: the whole-table figures, the per-row
/// distributions, the histogram, the worst rows and, with counts, the weighted figures (whose
/// baselines `TableEvaluator` adds).
public struct ErrorMeasurement: Sendable {
  public var error: ErrorMetrics
  public var histogram: ErrorHistogram
  /// The 10 rows with the largest relative error, largest first.
  public var worstRows: [WorstRow]
  public var weighted: WeightedErrorMetrics?
  /// Σ‖E_i‖² and, with counts, Σ w_i‖E_i‖²: what the baselines' errors are relative to.
  var totalSquares: Double
  var weightedTotalSquares: Double

  init(_ pass: MeasurementPass, rows: Int, dim: Int) {
    let totals = pass.totals
    let (relative, cosine) = (pass.relative, pass.cosine)
    let rowCount = Double(max(1, rows))
    error = ErrorMetrics(
      relativeFrobenius: RowErrors.relative(errorSquared: totals.error, normSquared: totals.norm),
      mse: totals.error / Double(max(1, rows * dim)), maxAbs: totals.maxAbs,
      rowRelative: ErrorMetrics.RowRelative(
        mean: totals.relativeSum / rowCount, p50: relative.percentile(50), p90: relative.percentile(90),
        p99: relative.percentile(99), max: Double(totals.maxRelative)),
      cosine: ErrorMetrics.Cosine(
        mean: totals.cosineSum / rowCount, p1: cosine.percentile(1), p10: cosine.percentile(10),
        p50: cosine.percentile(50), min: Double(totals.minCosine)),
      squaredError: totals.error, squaredNorm: totals.norm)
    histogram = ErrorHistogram(binned: totals.histogram)
    worstRows = totals.worst.worstRows
    totalSquares = totals.norm
    weightedTotalSquares = totals.weightedTotals?.norm ?? 0
    weighted = totals.weightedTotals.map { w in
      let lookups = max(w.lookups, .leastNormalMagnitude)
      return WeightedErrorMetrics(
        lookups: w.lookups, countedRows: w.countedRows,
        relativeFrobenius: RowErrors.relative(errorSquared: w.error, normSquared: w.norm),
        mse: w.error / (Double(dim) * lookups), maxAbs: w.maxAbs,
        rowRelative: ErrorMetrics.RowRelative(
          mean: w.relativeSum / lookups, p50: relative.percentile(50, weighted: true),
          p90: relative.percentile(90, weighted: true), p99: relative.percentile(99, weighted: true),
          max: Double(w.maxRelative)),
        cosine: ErrorMetrics.Cosine(
          mean: w.cosineSum / lookups, p1: cosine.percentile(1, weighted: true),
          p10: cosine.percentile(10, weighted: true), p50: cosine.percentile(50, weighted: true),
          min: Double(w.minCosine)),
        histogram: WeightedErrorMetrics.Histogram(
          binEdges: ErrorHistogram.edges, lookups: Array(w.histogram[0..<ErrorHistogram.binCount]),
          overflow: w.histogram[ErrorHistogram.binCount]),
        baselines: [])
    }
  }
}
