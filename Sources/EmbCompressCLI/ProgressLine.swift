import Foundation

/// One progress line: what runs, a bar, the pass's percentage, rows per second and the run's
/// ETA, laid out to fit a width by dropping the least useful parts first. A step that counts
/// something else (the plan's candidates) shows `phase done/total unit` and that unit's rate.
struct ProgressLine {
  var phase: String
  var detail: String?
  var pass: Int
  var passes: Int
  var passesMayGrow: Bool
  /// Of the current pass (or the neighbour check).
  var fraction: Double
  /// Rows per second; nil for the neighbour check, which does not read rows.
  var rate: Double?
  /// Seconds left in the whole run, nil before there is a rate to tell.
  var eta: Double?
  /// When the step counts something other than rows: how many of how many, and of what
  /// (`candidates`); `rate` is then in that unit, and there are no passes to show.
  var count: (done: Int, total: Int, unit: String)? = nil

  /// The line in at most `width` columns (one character each), or with everything and a
  /// fixed 24-cell bar when `width` is nil.
  func render(width: Int?) -> String {
    let passText = "pass \(pass)/\(passesMayGrow ? "≥" : "")\(passes)"
    var long = phase == "neighbours" ? "neighbours" : "\(passText) \(phase.replacingOccurrences(of: " pass \(pass)", with: ""))" + (detail.map { " (\($0))" } ?? "")
    var short = phase == "neighbours" ? "neighbours" : passText
    if let count {
      long = "\(phase) \(count.done)/\(count.total) \(count.unit)"
      short = "\(count.done)/\(count.total) \(count.unit)"
    }
    // Floored, as the bar is: 100% only once the pass is done.
    let percent = String(format: "%3d%%", Int((fraction * 100).rounded(.down)))
    let rateText = rate.flatMap { value -> String? in
      guard value > 0 else { return nil }
      guard let count else { return "\(Self.compact(value)) rows/s" }
      return "\(Self.rateNumber(value)) \(count.unit)/s"
    }
    let etaText = "ETA " + (eta.map { (passesMayGrow ? "≥" : "") + Self.duration($0) } ?? "--")

    func line(_ label: String, bar: Int, withRate: Bool) -> String {
      var parts = [label]
      if bar > 0 {
        let filled = Int(fraction * Double(bar))
        parts.append(String(repeating: "█", count: filled) + String(repeating: "░", count: bar - filled))
      }
      parts.append(percent)
      if withRate, let rateText { parts.append(rateText) }
      parts.append(etaText)
      return parts.joined(separator: "  ")
    }
    guard let width else { return line(long, bar: 24, withRate: true) }
    // Widest first: each candidate with the bar filling what is left, if it gets 10 cells.
    for (label, withRate) in [(long, true), (long, false), (short, false)] {
      let fixed = line(label, bar: 0, withRate: withRate).count + 2
      let bar = min(40, width - fixed)
      if bar >= 10 { return line(label, bar: bar, withRate: withRate) }
    }
    let bare = line(short, bar: 0, withRate: false)
    return bare.count <= width ? bare : String(bare.prefix(max(0, width)))
  }

  /// A rate of candidates: with a decimal below 10 (a plan fits a few a second, or fewer).
  static func rateNumber(_ value: Double) -> String {
    value < 10 ? String(format: "%.1f", value) : compact(value)
  }

  static func compact(_ value: Double) -> String {
    switch value {
    case 1e9...: String(format: "%.1fG", value / 1e9)
    case 1e6...: String(format: "%.1fM", value / 1e6)
    case 1e3...: String(format: "%.1fk", value / 1e3)
    default: String(format: "%.0f", value)
    }
  }

  static func duration(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    return s >= 3600 ? "\(s / 3600)h\(s % 3600 / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
  }
}
