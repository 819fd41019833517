/// What one algorithm hands back to `CompositionalFitter`, which adds the timing and the tables' layout.
struct FitOutcome {
  var weights: [[Float]]
  var sourcePasses: Int
  var iterations: Int
  var converged: Bool
  var method: FitMethod
  var squaredError: Double
  var totalSquares: Double
}
