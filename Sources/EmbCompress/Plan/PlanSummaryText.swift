import Foundation

/// The plan as the terminal shows it: the table, any structure, the frontier, the baselines, the
/// verdict and the command that makes the recommendation.
public enum PlanSummaryText {
  public static func render(_ report: PlanReport, reportPath: String?, htmlPath: String?) -> String {
    func n(_ value: Double) -> String { BaselineComparison.number(value) }
    func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }
    let input = report.input
    var lines: [String] = []
    lines.append(
      "  input       \(input.path)\(input.name.map { " " + $0 } ?? ""): \(input.rows) × \(input.dim) \(input.elementType.rawValue), \(ByteSizeText.binary(input.bytes))")
    var goal: [String] = []
    if let budget = report.goal.budget { goal.append("at most \(ByteSizeText.binary(budget))") }
    if let target = report.goal.targetError { goal.append("relative error at most \(n(target))") }
    lines.append("  goal        \(goal.isEmpty ? "the fewest bytes within 10% of the best error at ≤ 1/4 of the float32 size" : goal.joined(separator: ", "))")
    let weighted = report.goal.weighted
    if let counts = report.counts {
      lines.append("  counts      \(counts.path)\(counts.dataset.map { " " + $0 } ?? ""): every fit weighted by them; the goal judges the weighted error")
    }
    /// The error column: the weighted error first when there are counts, the plain one beside it.
    func errors(_ plain: Double, _ weightedError: Double?) -> String {
      guard weighted, let weightedError else { return n(plain) }
      return pad(n(weightedError), 10) + n(plain)
    }
    if let structure = report.structure {
      lines.append(
        "  structure   period\(structure.periods.count > 1 ? "s" : "") \(structure.periods.map(String.init).joined(separator: ", ")) (in the \(structure.seenIn), \(String(format: "%.0f", structure.strength))σ)")
    } else {
      lines.append("  structure   none found")
    }
    let exact = report.candidates.filter { !$0.estimated }.count
    // The default limit does not count the fits it always makes; say what they added.
    let outside = report.secondsOutsideLimit > 0.05 ? String(format: " + %.1f s of fits it does not count", report.secondsOutsideLimit) : ""
    lines.append(
      "  searched    \(report.candidates.count) candidates, \(exact) fitted exactly, in \(String(format: "%.1f", report.seconds)) s (limit \(String(format: "%.1f", report.secondsLimit)) s\(outside); one conversion ≈ \(String(format: "%.2f", report.oneConversionSeconds)) s)")
    lines.append("  frontier    " + pad("rule", 28) + pad("bytes", 12) + pad("smaller", 10) + (weighted ? pad("weighted", 10) + "unweighted" : "error"))
    for point in report.frontier {
      let mark = point.rule == report.recommended?.rule ? "▶ " : "  "
      lines.append(
        "            " + mark + pad(point.rule.label, 26) + pad(ByteSizeText.binary(point.bytes), 12)
          + pad(String(format: "%.2f×", point.ratio), 10) + errors(point.relativeFrobenius, point.weightedRelativeFrobenius)
          + (point.estimated ? " (estimated)" : ""))
    }
    for (index, baseline) in report.baselines.enumerated() {
      let name = baseline.name + (baseline.parameter.map { baseline.name == "hash" ? " \($0) rows" : " rank \($0)" } ?? "")
      lines.append(
        (index == 0 ? "  baselines   " : "             ") + "  " + pad(name, 26) + pad(ByteSizeText.binary(baseline.bytes), 12)
          + pad(String(format: "%.2f×", Double(input.bytes) / Double(baseline.bytes)), 10)
          + errors(baseline.relativeFrobenius, baseline.weightedRelativeFrobenius))
    }
    lines.append("  verdict     \(report.verdict)")
    if let command = report.command { lines.append("  command     \(command)") }
    if !report.notTried.isEmpty {
      lines.append("  not tried   \(report.notTried.count) rule\(report.notTried.count == 1 ? "" : "s") (time limit; --seconds raises it); the JSON lists them")
    }
    let written = [reportPath, htmlPath].compactMap { $0 }
    if !written.isEmpty { lines.append("  report      \(written.joined(separator: ", "))") }
    return lines.joined(separator: "\n")
  }
}
