/// A rule with its size and how well it fits the table, and how that figure was obtained.
public struct PlanCandidate: Sendable, Encodable {
  public var rule: CandidateRule
  /// The compact tables' bytes, stored as float32.
  public var bytes: Int
  /// The input's bytes as stored over `bytes`, as the report's `compression_ratio`.
  public var ratio: Double
  /// ‖E − Ê‖_F / ‖E‖_F: from a fit of a sample when `estimated`, otherwise of the whole table.
  public var relativeFrobenius: Double
  /// With `--counts`: ‖√w⊙(E − Ê)‖_F / ‖√w⊙E‖_F by the counts as given, of a fit weighted by the
  /// floored counts (as `convert --counts` fits and its report's `weighted` section measures).
  /// Nil without counts.
  public var weightedRelativeFrobenius: Double? = nil
  /// True when the error comes from fitting a sample of the rows (screening). Otherwise the
  /// rule was fitted to the whole table and its stored tables measured against every row, as
  /// `convert`'s report measures them: the same figure to the last bit.
  public var estimated: Bool
  /// Seconds the fit took (of the sample, when estimated).
  public var seconds: Double
  /// The `convert` options besides the rule's that the fit depends on and that belong to this
  /// table: `--counts FILE` (with its dataset and floor) when the plan was weighted.
  public var countsArguments: [String] = []

  /// The `convert` options that make this candidate: the rule's, then the counts'.
  public var argv: [String] { rule.argv + countsArguments }

  /// The figure the goal, the frontier and the pick judge: the weighted error with counts,
  /// otherwise the plain one. (With counts the user said which rows matter; the plain error
  /// is still reported beside it.)
  public var objective: Double { weightedRelativeFrobenius ?? relativeFrobenius }

  private enum CodingKeys: String, CodingKey {
    case argv, scheme, operation, moduli, bytes, ratio, relativeFrobenius = "relative_frobenius", estimated
    case weightedRelativeFrobenius = "weighted_relative_frobenius", label, seconds
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
    try container.encode(weightedRelativeFrobenius, forKey: .weightedRelativeFrobenius)
    try container.encode(estimated, forKey: .estimated)
    try container.encode(seconds, forKey: .seconds)
  }
}
