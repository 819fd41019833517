/// The per-row conventions every figure of the report follows: how a row's relative error and
/// cosine are defined when a norm is zero, so that no figure is ever NaN.
public enum RowErrors {
  /// Relative error for a row: a zero row rebuilt as zero is exact (0); a zero row rebuilt as
  /// anything else is entirely wrong (1), as is a row rebuilt as zero.
  @inlinable
  public static func relative(errorSquared: Double, normSquared: Double) -> Double {
    normSquared > 0 ? (errorSquared / normSquared).squareRoot() : (errorSquared > 0 ? 1 : 0)
  }

  /// Cosine for a row: two zero vectors agree (1); zero against non-zero shares nothing (0).
  @inlinable
  public static func cosine(dot: Double, normSquared: Double, reconstructionSquared: Double) -> Double {
    if normSquared == 0 || reconstructionSquared == 0 {
      return normSquared == reconstructionSquared ? 1 : 0
    }
    return max(-1, min(1, dot / (normSquared * reconstructionSquared).squareRoot()))
  }
}
