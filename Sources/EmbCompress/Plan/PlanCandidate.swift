/// A rule with its size and how well it fits the table, and how that figure was obtained.
public struct PlanCandidate: Sendable, Encodable {
  public var rule: CandidateRule
  /// The compact tables' bytes, stored as float32.
  public var bytes: Int
  /// The input's bytes as stored over `bytes`, as the report's `compression_ratio`.
  public var ratio: Double
  /// ‖E − Ê‖_F / ‖E‖_F: from a fit of a sample when `estimated`, otherwise of the whole table.
  public var relativeFrobenius: Double
  /// True when the error comes from fitting a sample of the rows (screening). Otherwise the
  /// rule was fitted to the whole table and its stored tables measured against every row, as
  /// `convert`'s report measures them: the same figure to the last bit.
  public var estimated: Bool
  /// Seconds the fit took (of the sample, when estimated).
  public var seconds: Double

  public var argv: [String] { rule.argv }

  private enum CodingKeys: String, CodingKey {
    case argv, scheme, operation, moduli, bytes, ratio, relativeFrobenius = "relative_frobenius", estimated
    case label, seconds
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(argv, forKey: .argv)
    try container.encode(rule.label, forKey: .label)
    try container.encode(rule.scheme, forKey: .scheme)
    try container.encode(rule.operation, forKey: .operation)
    try container.encode(rule.moduli, forKey: .moduli)
    try container.encode(bytes, forKey: .bytes)
    try container.encode(ratio, forKey: .ratio)
    try container.encode(relativeFrobenius, forKey: .relativeFrobenius)
    try container.encode(estimated, forKey: .estimated)
    try container.encode(seconds, forKey: .seconds)
  }
}
