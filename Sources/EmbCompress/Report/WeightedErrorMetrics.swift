/// The report's `weighted` section, with `--counts`: the fit's figures with every row weighted by
/// how often it is looked up, and the baselines measured on the same weights. The counts are
/// taken as given (no floor). The unweighted figures are unchanged beside it.
///
/// With w_i the count of id i: `relative_frobenius` = ‖√w⊙(E − Ê)‖_F / ‖√w⊙E‖_F; `mse` =
/// Σ w_i‖E_i − Ê_i‖² / (d Σ w_i); the percentiles are over lookups — the p-th is the smallest
/// per-row value with at least p% of the lookups at or below it — and the means are weighted;
/// `max_abs`, `row_relative.max` and `cosine.min` are over the rows counted at least once.
public struct WeightedErrorMetrics: Sendable, Equatable, Encodable {
  /// Lookups per bin of `ErrorHistogram`'s fixed bins.
  public struct Histogram: Sendable, Equatable, Encodable {
    public var metric = "row_relative"
    public var binEdges: [Double]
    /// Σ w_i of the rows in each of the 20 bins.
    public var lookups: [Double]
    /// Σ w_i of the rows with error above 1.
    public var overflow: Double

    private enum CodingKeys: String, CodingKey { case metric, binEdges = "bin_edges", lookups, overflow }
  }

  /// A baseline's error on the same weights.
  public struct BaselineError: Sendable, Equatable, Encodable {
    public var method: Baseline.Method
    /// ‖√w⊙(E − Ê)‖_F / ‖√w⊙E‖_F for this method's Ê.
    public var relativeFrobenius: Double

    private enum CodingKeys: String, CodingKey { case method, relativeFrobenius = "relative_frobenius" }
  }

  /// Σ w_i.
  public var lookups: Double
  /// Rows with a positive count.
  public var countedRows: Int
  public var relativeFrobenius: Double
  public var mse: Double
  public var maxAbs: Double
  public var rowRelative: ErrorMetrics.RowRelative
  public var cosine: ErrorMetrics.Cosine
  public var histogram: Histogram
  /// The baselines of `baselines`, in the same order; the hash baseline with weighted bucket
  /// means, the truncated SVD of √w⊙E (the eigenvalues of Eᵀ·diag(w)·E).
  public var baselines: [BaselineError]

  private enum CodingKeys: String, CodingKey {
    case lookups, countedRows = "counted_rows", relativeFrobenius = "relative_frobenius", mse, maxAbs = "max_abs"
    case rowRelative = "row_relative", cosine, histogram, baselines
  }
}
