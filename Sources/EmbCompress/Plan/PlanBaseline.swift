/// Another way to spend bytes on the same table, measured on it: int8 row-wise, float16, a
/// truncated SVD at some rank, the hashing trick at some size.
public struct PlanBaseline: Sendable, Encodable {
  /// `int8-rowwise`, `float16`, `truncated-svd`, `hash` (as the report's `method`).
  public var name: String
  public var bytes: Int
  public var relativeFrobenius: Double
  /// The SVD's rank or the hash's rows; nil for the fixed-size ones.
  public var parameter: Int?

  private enum CodingKeys: String, CodingKey {
    case name, bytes, relativeFrobenius = "relative_frobenius", parameter
  }
}
