/// What the user asked the plan for, and how a recommendation is chosen from exact candidates.
///
/// - `budget` (from `--budget`, or `--ratio R` as the input's bytes / R): the lowest error
///   within it;
/// - `targetError`: the fewest bytes within it (and within the budget, when there is one too);
/// - neither: the fewest bytes within 10% of the lowest error found at a quarter of the input's
///   float32 size or less — the smallest table that loses little against the best one.
public struct PlanGoal: Sendable, Equatable {
  public var budget: Int?
  public var targetError: Double?

  public init(budget: Int? = nil, targetError: Double? = nil) {
    self.budget = budget
    self.targetError = targetError
  }

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
      pool.min { ($0.bytes, $0.relativeFrobenius) < ($1.bytes, $1.relativeFrobenius) }
    }
    if let targetError { return fewestBytes(within.filter { $0.relativeFrobenius <= targetError }) }
    let best = within.min { ($0.relativeFrobenius, $0.bytes) < ($1.relativeFrobenius, $1.bytes) }
    guard let best else { return nil }
    if budget != nil { return best }
    return fewestBytes(within.filter { $0.relativeFrobenius <= best.relativeFrobenius * Self.slack })
  }
}
