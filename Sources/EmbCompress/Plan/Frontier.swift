/// The rate–distortion frontier: the candidates no other beats in both bytes and error (the
/// candidates' `objective`: weighted with counts).
enum Frontier {
  /// By bytes, ascending; each has a lower error than every smaller (or equal-sized) one.
  static func of(_ candidates: [PlanCandidate]) -> [PlanCandidate] {
    let sorted = candidates.sorted { ($0.bytes, $0.objective) < ($1.bytes, $1.objective) }
    var frontier: [PlanCandidate] = []
    for candidate in sorted where candidate.objective < (frontier.last?.objective ?? .infinity) {
      if let last = frontier.last, last.bytes == candidate.bytes { frontier.removeLast() }
      frontier.append(candidate)
    }
    return frontier
  }
}
