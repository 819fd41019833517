/// The rate–distortion frontier: the candidates no other beats in both bytes and error.
enum Frontier {
  /// By bytes, ascending; each has a lower error than every smaller (or equal-sized) one.
  static func of(_ candidates: [PlanCandidate]) -> [PlanCandidate] {
    let sorted = candidates.sorted { ($0.bytes, $0.relativeFrobenius) < ($1.bytes, $1.relativeFrobenius) }
    var frontier: [PlanCandidate] = []
    for candidate in sorted where candidate.relativeFrobenius < (frontier.last?.relativeFrobenius ?? .infinity) {
      if let last = frontier.last, last.bytes == candidate.bytes { frontier.removeLast() }
      frontier.append(candidate)
    }
    return frontier
  }
}
