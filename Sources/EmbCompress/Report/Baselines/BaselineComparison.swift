import Foundation

/// The fit ranked among the baselines of comparable size, in plain sentences: what the text
/// summary and the HTML report say.
///
///     let comparison = BaselineComparison(report)
///     comparison.ranking  // "ranks 3rd of 4 at ≤ 1.2× its size: int8-rowwise 0.00691, …"
///     comparison.verdict  // "int8-rowwise is far better: …"
public struct BaselineComparison: Sendable {
  /// Baselines up to this many times the fit's tensor bytes count as its size.
  public static let comparableSize = 1.2
  /// A baseline with at most this fraction of the fit's error is called far better.
  public static let farBetter = 0.5

  /// One line of the comparison: a method, its size relative to the fit, its error.
  public struct Entry: Sendable, Equatable {
    public var label: String
    public var bytes: Int
    public var relativeFrobenius: Double
    public var isFit: Bool
  }

  /// The fit and the comparable baselines, lowest error first (the fit first among equals).
  public let ranked: [Entry]
  /// Baselines larger than `comparableSize` × the fit, lowest error first.
  public let larger: [Entry]
  public let fit: Entry

  public init(fitLabel: String, fitBytes: Int, fitError: Double, baselines: [Baseline]) {
    let fit = Entry(label: fitLabel, bytes: fitBytes, relativeFrobenius: fitError, isFit: true)
    let entries = baselines.map {
      Entry(label: $0.method.rawValue, bytes: $0.bytes, relativeFrobenius: $0.relativeFrobenius, isFit: false)
    }
    let limit = Double(fitBytes) * Self.comparableSize
    let order: (Entry, Entry) -> Bool = {
      $0.relativeFrobenius != $1.relativeFrobenius ? $0.relativeFrobenius < $1.relativeFrobenius : $0.isFit && !$1.isFit
    }
    ranked = ([fit] + entries.filter { Double($0.bytes) <= limit }).sorted(by: order)
    larger = entries.filter { Double($0.bytes) > limit }.sorted(by: order)
    self.fit = fit
  }

  public init(_ report: ConversionReport) {
    self.init(
      fitLabel: report.fitLabel, fitBytes: report.checkpoint.tensorBytes, fitError: report.error.relativeFrobenius,
      baselines: report.baselines)
  }

  /// The fit's place, 1 for best.
  public var rank: Int { ranked.firstIndex(where: \.isFit)! + 1 }

  /// "ranks 3rd of 4 at ≤ 1.2× its size: int8-rowwise 0.00691, …, qr-mult 0.459 (this fit), …"
  public var ranking: String {
    let list = ranked.map { "\($0.label) \(Self.number($0.relativeFrobenius))\($0.isFit ? " (this fit)" : "")" }
    return "ranks \(Self.ordinal(rank)) of \(ranked.count) at ≤ \(Self.number(Self.comparableSize))× its size: "
      + list.joined(separator: ", ")
  }

  /// At or above this relative error the verdict adds how little of the table the fit explains.
  public static let poorFit = 0.5

  /// Plain sentences: which comparable baseline is far better, or that the fit holds its own;
  /// and, for a poor fit, how little it explains, so that winning among poor options does not
  /// read as good.
  public var verdict: String {
    let fitError = fit.relativeFrobenius
    guard fitError >= Self.poorFit else { return standing }
    let explained = max(0, 1 - fitError * fitError) * 100
    return standing + " A relative error of \(Self.number(fitError)) means the fit explains only "
      + String(format: "%.3g", explained) + "% of the table's squared norm (1 − error²)."
  }

  private var standing: String {
    let fitError = fit.relativeFrobenius
    if let best = ranked.first, !best.isFit, best.relativeFrobenius <= fitError * Self.farBetter {
      let factor = best.relativeFrobenius > 0 ? String(format: "%.3g× lower", fitError / best.relativeFrobenius) : "exact"
      return "\(best.label) is far better at this size: relative error \(Self.number(best.relativeFrobenius)) "
        + "against \(Self.number(fitError)) (\(factor)) in \(Self.size(best.bytes, of: fit.bytes)) the bytes. "
        + "For this table, prefer it, unless you need the compositional tables themselves (to train them on, say)."
    }
    if rank == 1 {
      return ranked.count == 1
        ? "No baseline fits in this size to compare with."
        : "The fit beats every baseline of comparable size."
    }
    let better = ranked.prefix(rank - 1).map(\.label).joined(separator: ", ")
    return "Better at this size: \(better); none by a factor of 2 or more."
  }

  /// "float16 0.000243 at 1.94× the bytes, …", or nil when no baseline is larger.
  public var largerSummary: String? {
    guard !larger.isEmpty else { return nil }
    return larger.map { "\($0.label) \(Self.number($0.relativeFrobenius)) at \(Self.size($0.bytes, of: fit.bytes)) the bytes" }
      .joined(separator: ", ")
  }

  /// Three significant digits: 0.459, 0.00691, 1.2.
  public static func number(_ value: Double) -> String { String(format: "%.3g", value) }

  static func size(_ bytes: Int, of reference: Int) -> String {
    String(format: "%.2f×", Double(bytes) / Double(max(1, reference)))
  }

  static func ordinal(_ n: Int) -> String {
    let suffix = (11...13).contains(n % 100) ? "th" : [1: "st", 2: "nd", 3: "rd"][n % 10] ?? "th"
    return "\(n)\(suffix)"
  }
}
