import Foundation

/// The HTML report's bar chart of the fit against the baselines: relative Frobenius error on the
/// left (shorter is better), recall@k of the neighbour check on the right (longer is better),
/// one row per method, lowest error first. Inline SVG, drawn on linear scales from 0 so a bar's
/// length is its value.
enum ComparisonChart {
  struct Bar {
    var label: String
    var detail: String
    var error: Double
    var recall: Double?
    var isFit: Bool
    var isComparable: Bool
  }

  static func bars(_ report: ConversionReport) -> [Bar] {
    let fitBytes = report.checkpoint.tensorBytes
    let limit = Double(fitBytes) * BaselineComparison.comparableSize
    var bars = [
      Bar(
        label: "\(report.fitLabel) (this fit)",
        detail: "\(ByteSizeText.binary(fitBytes)), \(String(format: "%.2f", report.compressionRatio))× smaller",
        error: report.error.relativeFrobenius, recall: report.neighbors?.recallAtK, isFit: true, isComparable: true)
    ]
    for baseline in report.baselines {
      let parameter = baseline.rank.map { ", rank \($0)" } ?? baseline.buckets.map { ", \($0) rows" } ?? ""
      bars.append(
        Bar(
          label: baseline.method.rawValue,
          detail: "\(ByteSizeText.binary(baseline.bytes)), \(String(format: "%.2f", baseline.compressionRatio))× smaller\(parameter)",
          error: baseline.relativeFrobenius, recall: baseline.recallAtK, isFit: false,
          isComparable: Double(baseline.bytes) <= limit))
    }
    return bars.sorted { $0.error != $1.error ? $0.error < $1.error : $0.isFit }
  }

  static func svg(_ report: ConversionReport, k: Int) -> String {
    let bars = bars(report)
    let labelWidth = 250.0, panelWidth = 300.0, gap = 40.0, rowHeight = 46.0, top = 46.0
    let width = labelWidth + 2 * panelWidth + gap + 20
    let height = top + Double(bars.count) * rowHeight + 60
    let errorScale = max(1, bars.map(\.error).max() ?? 1)
    let errorLeft = labelWidth, recallLeft = labelWidth + panelWidth + gap
    var svg = """
      <svg class="chart" role="img" aria-label="relative error and recall of the fit and the baselines" \
      width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))">
      <text x="\(errorLeft)" y="18" class="title">relative Frobenius error (shorter is better)</text>
      <text x="\(recallLeft)" y="18" class="title">recall@\(k) of neighbours (longer is better)</text>

      """
    // Gridlines at quarters of each scale, labelled underneath.
    let bottom = top + Double(bars.count) * rowHeight
    for quarter in 0...4 {
      let fraction = Double(quarter) / 4
      for (left, value) in [(errorLeft, fraction * errorScale), (recallLeft, fraction)] {
        let x = left + fraction * panelWidth
        svg += "<line x1=\"\(f(x))\" y1=\"\(f(top - 6))\" x2=\"\(f(x))\" y2=\"\(f(bottom))\" class=\"grid\"/>"
        svg += "<text x=\"\(f(x))\" y=\"\(f(bottom + 16))\" class=\"tick\" text-anchor=\"middle\">\(Self.tick(value))</text>\n"
      }
    }
    // The legend, under the axes.
    var legendX = errorLeft
    for (style, text) in [("fit", "this fit"), ("base", "baseline within \(tick(BaselineComparison.comparableSize))× its bytes"), ("larger", "larger baseline")] {
      svg += "<rect x=\"\(f(legendX))\" y=\"\(f(bottom + 32))\" width=\"12\" height=\"12\" class=\"\(style)\"/>"
      svg += "<text x=\"\(f(legendX + 18))\" y=\"\(f(bottom + 42))\" class=\"tick\">\(HTMLText.escaped(text))</text>\n"
      legendX += 18 + Double(text.count) * 6.6 + 26
    }
    for (index, bar) in bars.enumerated() {
      let y = top + Double(index) * rowHeight
      let style = bar.isFit ? "fit" : bar.isComparable ? "base" : "larger"
      svg += "<text x=\"\(f(labelWidth - 10))\" y=\"\(f(y + 16))\" class=\"label\(bar.isFit ? " strong" : "")\" text-anchor=\"end\">\(HTMLText.escaped(bar.label))</text>"
      svg += "<text x=\"\(f(labelWidth - 10))\" y=\"\(f(y + 31))\" class=\"detail\" text-anchor=\"end\">\(HTMLText.escaped(bar.detail))\(bar.isComparable ? "" : " — larger")</text>\n"
      let errorLength = max(1, bar.error / errorScale * panelWidth)
      svg += "<rect x=\"\(f(errorLeft))\" y=\"\(f(y + 6))\" width=\"\(f(errorLength))\" height=\"26\" class=\"\(style)\"/>"
      svg += valueLabel(BaselineComparison.number(bar.error), x: errorLeft + errorLength, y: y + 24, limit: errorLeft + panelWidth)
      if let recall = bar.recall {
        let recallLength = max(1, recall * panelWidth)
        svg += "<rect x=\"\(f(recallLeft))\" y=\"\(f(y + 6))\" width=\"\(f(recallLength))\" height=\"26\" class=\"\(style)\"/>"
        svg += valueLabel(String(format: "%.3f", recall), x: recallLeft + recallLength, y: y + 24, limit: recallLeft + panelWidth)
      } else {
        svg += "<text x=\"\(f(recallLeft + 6))\" y=\"\(f(y + 24))\" class=\"value\">not measured</text>"
      }
      svg += "\n"
    }
    return svg + "</svg>"
  }

  /// The value at the end of its bar, or inside it when the bar reaches the panel's edge.
  private static func valueLabel(_ text: String, x: Double, y: Double, limit: Double) -> String {
    if x + 60 > limit {
      return "<text x=\"\(f(x - 6))\" y=\"\(f(y))\" class=\"value inside\" text-anchor=\"end\">\(text)</text>"
    }
    return "<text x=\"\(f(x + 6))\" y=\"\(f(y))\" class=\"value\">\(text)</text>"
  }

  static func tick(_ value: Double) -> String { String(format: "%g", (value * 1000).rounded() / 1000) }

  static func f(_ value: Double) -> String { String(format: "%.1f", value) }
}
