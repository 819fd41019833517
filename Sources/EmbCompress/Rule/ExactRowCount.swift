/// How many rows `--exact-rows` stores exactly: a count, or a percentage of the table's rows.
///
///     ExactRowCount(argument: "1%")?.resolved(rows: 30522)  // 306
///     ExactRowCount(argument: "100")?.resolved(rows: 30522) // 100
public enum ExactRowCount: Sendable, Equatable {
  case rows(Int)
  case percent(Double)

  /// Parses `N` or `P%`; nil for anything else (a negative or non-finite value included).
  public init?(argument: String) {
    if argument.hasSuffix("%") {
      guard let percent = Double(argument.dropLast()), percent.isFinite, percent >= 0 else { return nil }
      self = .percent(percent)
    } else {
      guard let count = Int(argument), count >= 0 else { return nil }
      self = .rows(count)
    }
  }

  /// The count for a table of `rows` rows; a percentage rounds up, so any positive one keeps a row.
  public func resolved(rows: Int) -> Int {
    switch self {
    case .rows(let count): count
    case .percent(let percent): Int((Double(rows) * percent / 100).rounded(.up))
    }
  }
}
