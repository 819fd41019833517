/// The stopping rule every iterative fit shares: the total squared error fell by less than
/// `tolerance` of itself in the last round.
struct ConvergenceRule {
  let tolerance: Double
  /// Σ‖E‖²: errors this far below it are rounding noise, and relative change there means nothing.
  let totalSquares: Double

  func isConverged(previous: Double, current: Double) -> Bool {
    let floor = 1e-13 * totalSquares
    return previous - current <= tolerance * max(current, floor)
  }
}
