/// A fitted rule and how the fit went.
public struct RuleFitResult: Sendable {
  public var tables: RuleTables
  /// Passes read from the input source, every stage of the fit together.
  public var passes: Int
  /// Solver rounds of the main fit: 1 for closed forms.
  public var iterations: Int
  /// Whether the round-on-round change fell under the tolerance (always true for closed forms).
  public var converged: Bool
  public var seconds: Double
  /// The algorithms that ran, as docs/fits.md names them (`gram-rank-1`, …), joined by `+`.
  public var method: String

  public init(tables: RuleTables, passes: Int, iterations: Int, converged: Bool, seconds: Double, method: String) {
    self.tables = tables
    self.passes = passes
    self.iterations = iterations
    self.converged = converged
    self.seconds = seconds
    self.method = method
  }
}
