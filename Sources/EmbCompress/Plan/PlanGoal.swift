/// What the user asked the plan for, and how a recommendation is chosen from exact candidates.
///
/// - `budget` (from `--budget`, or `--ratio R` as the input's bytes / R): the lowest error
///   within it;
/// - `targetError`: the fewest bytes within it (and within the budget, when there is one too);
/// - neither: the fewest bytes within 10% of the lowest error found at a quarter of the input's
///   float32 size or less — the smallest table that loses little against the best one.
///
/// "Error" is each candidate's `objective`: with `--counts` the weighted relative error (and
/// `targetError` is a weighted error), otherwise the plain one.
public struct PlanGoal: Sendable, Equatable {
  public var budget: Int?
  public var targetError: Double?
  /// True when the error judged is the weighted one (the plan was given counts); the search
  /// sets it, and the report says so under `goal.error`.
  public var weighted: Bool

  public init(budget: Int? = nil, targetError: Double? = nil, weighted: Bool = false) {
    self.budget = budget
    self.targetError = targetError
    self.weighted = weighted
  }

  /// The report's name for the figure judged.
  public var errorName: String { weighted ? "weighted_relative_frobenius" : "relative_frobenius" }

  /// The default's slack over the lowest error.
  static let slack = 1.1

  /// The bytes a candidate may have, given the input's float32 bytes.
  func byteLimit(inputFloat32Bytes: Int) -> Int {
    budget ?? (targetError == nil ? inputFloat32Bytes / 4 : inputFloat32Bytes - 1)
  }

  /// The pick among `candidates` by their figures as they stand (estimated or not).
  func pick(_ candidates: [PlanCandidate], inputFloat32Bytes: Int) -> PlanCandidate? {
    let limit = byteLimit(inputFloat32Bytes: inputFloat32Bytes)
    let within = candidates.filter { $0.bytes <= limit }
    func fewestBytes(_ pool: [PlanCandidate]) -> PlanCandidate? {
      pool.min { ($0.bytes, $0.objective) < ($1.bytes, $1.objective) }
    }
    if let targetError { return fewestBytes(within.filter { $0.objective <= targetError }) }
    let best = within.min { ($0.objective, $0.bytes) < ($1.objective, $1.bytes) }
    guard let best else { return nil }
    if budget != nil { return best }
    return fewestBytes(within.filter { $0.objective <= best.objective * Self.slack })
  }
}
