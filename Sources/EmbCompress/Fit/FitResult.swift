/// A fitted table and how the fit went.
public struct FitResult: Sendable {
  public var tables: CompositionalTables
  /// Passes read from the input source: 1 when the table was kept in memory after the first.
  public var passes: Int
  /// Solver rounds: 1 for closed forms, otherwise ALS/backfitting sweeps or CP rounds.
  public var iterations: Int
  /// Whether the round-on-round change fell under the tolerance (always true for closed forms).
  public var converged: Bool
  public var seconds: Double
  public var method: FitMethod
  /// Σᵢ‖Eᵢ − Êᵢ‖² as the fitter computed it in Double, before the tables were rounded to Float.
  public var squaredError: Double
  /// Σᵢ‖Eᵢ‖², so `squaredError / totalSquares` is the relative squared error.
  public var totalSquares: Double

  public init(
    tables: CompositionalTables, passes: Int, iterations: Int, converged: Bool, seconds: Double,
    method: FitMethod, squaredError: Double, totalSquares: Double
  ) {
    self.tables = tables
    self.passes = passes
    self.iterations = iterations
    self.converged = converged
    self.seconds = seconds
    self.method = method
    self.squaredError = squaredError
    self.totalSquares = totalSquares
  }
}
