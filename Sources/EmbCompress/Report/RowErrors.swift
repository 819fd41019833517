/// Per-row reconstruction figures from one pass: what every metric in the report is built from.
public struct RowErrors: Sendable {
  /// ||E_i − Ê_i|| / ||E_i||, with the zero-row convention of `RowErrors.relative`.
  public var relative: [Float]
  /// cos(E_i, Ê_i), with the zero-row convention of `RowErrors.cosine`.
  public var cosine: [Float]
  /// ||E_i||.
  public var norm: [Float]
  /// Σ ||E_i − Ê_i||², Σ ||E_i||², in Double.
  public var squaredError: Double
  public var squaredNorm: Double
  /// max |E_ic − Ê_ic|.
  public var maxAbsoluteError: Double
  public var valueCount: Int

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
