/// Another way to spend bytes on the same table, measured on it: int8 row-wise, float16, a
/// truncated SVD at some rank, the hashing trick at some size.
public struct PlanBaseline: Sendable, Encodable {
  /// `int8-rowwise`, `float16`, `truncated-svd`, `hash` (as the report's `method`).
  public var name: String
  public var bytes: Int
  public var relativeFrobenius: Double
  /// With `--counts`: the error weighted by the counts as given, as the report's `weighted`
  /// baselines (the SVD of √w⊙E, the hash with weighted bucket means). Nil without counts.
  public var weightedRelativeFrobenius: Double?
  /// The SVD's rank or the hash's rows; nil for the fixed-size ones.
  public var parameter: Int?

  /// The figure compared with the candidates' `objective`: weighted with counts.
  public var objective: Double { weightedRelativeFrobenius ?? relativeFrobenius }

  private enum CodingKeys: String, CodingKey {
    case name, bytes, relativeFrobenius = "relative_frobenius", weightedRelativeFrobenius = "weighted_relative_frobenius"
    case parameter
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(name, forKey: .name)
    try container.encode(bytes, forKey: .bytes)
    try container.encode(relativeFrobenius, forKey: .relativeFrobenius)
    try container.encode(weightedRelativeFrobenius, forKey: .weightedRelativeFrobenius)
    try container.encode(parameter, forKey: .parameter)
  }
}
