/// The plan's one-paragraph answer: what to make, how good it is, and how it compares with the
/// baselines of about its size — or, without a recommendation, why not and the best reached.
/// With counts every figure it compares is the weighted one (`objective`), and it says so.
enum PlanVerdict {
  static func sentence(_ report: PlanReport, float32Bytes: Int) -> String {
    var parts: [String] = []
    if let structure = report.structure {
      if structure.periods.count > 1 {
        let (fast, slow) = (structure.periods[0], structure.periods[1])
        parts.append("The ids nest: rows repeat a component every \(fast) ids and another every \(slow) (mixed radix \(fast)·\(slow / fast)·…).")
      } else {
        parts.append("The ids repeat a component every \(structure.periods[0]) ids (as a crossed feature id = a·\(structure.periods[0]) + b does).")
      }
    } else {
      parts.append("No periodic structure stands out in the ids.")
    }
    let exact = report.candidates.filter { !$0.estimated }
    let weighted = report.goal.weighted
    let errorWords = weighted ? "weighted relative error" : "relative error"
    guard let pick = report.recommended else {
      let limit = report.goal.byteLimit(inputFloat32Bytes: float32Bytes)
      let within = exact.filter { $0.bytes <= limit }
      let best = within.min { $0.objective < $1.objective }
      var reason = "No exact candidate meets the goal"
      if let target = report.goal.targetError { reason += " of \(errorWords) \(n(target))" }
      if report.goal.budget != nil { reason += " within \(ByteSizeText.binary(limit))" }
      if let best {
        reason += "; the best reached is \(n(best.objective))\(weighted ? " weighted" : "") (\(best.rule.label), \(ByteSizeText.binary(best.bytes)))."
      } else {
        reason += "; no candidate fits within \(ByteSizeText.binary(limit))."
      }
      return (parts + [reason]).joined(separator: " ")
    }
    let figure =
      weighted
      ? "weighted relative error \(n(pick.objective)) by the counts (\(n(pick.relativeFrobenius)) unweighted)"
      : "relative error \(n(pick.relativeFrobenius))"
    parts.append(
      "Recommended: \(pick.rule.label), \(figure) at \(String(format: "%.2f", pick.ratio))× smaller (\(ByteSizeText.binary(pick.bytes))), fitted and measured exactly.")
    let comparable = report.baselines.filter { Double($0.bytes) <= Double(pick.bytes) * BaselineComparison.comparableSize }
    if let better = comparable.min(by: { $0.objective < $1.objective }), better.objective <= pick.objective / 2 {
      parts.append(
        "\(better.name) is far better at about this size: \(n(better.objective))\(weighted ? " weighted" : "") in \(ByteSizeText.binary(better.bytes)); prefer it unless you need the compositional tables themselves.")
    } else if !comparable.isEmpty {
      parts.append(
        "It beats every baseline within \(n(BaselineComparison.comparableSize))× its bytes\(weighted ? " on the weighted error" : "").")
    }
    if pick.objective >= 0.5 {
      parts.append(
        "It explains only \(Int(((1 - pick.objective * pick.objective) * 100).rounded()))% of the table's squared norm\(weighted ? ", weighted by lookups" : "").")
    }
    return parts.joined(separator: " ")
  }

  static func n(_ value: Double) -> String { BaselineComparison.number(value) }
}
