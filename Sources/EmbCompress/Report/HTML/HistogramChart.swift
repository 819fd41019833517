import Foundation

/// The HTML report's histogram of per-row relative error: one bar per bin of 0.05 from 0 to 1,
/// and an overflow bar for errors above 1, on a linear count axis. Inline SVG.
enum HistogramChart {
  static func svg(_ histogram: ErrorHistogram) -> String {
    let counts = histogram.counts + [histogram.overflow]
    let left = 64.0, top = 24.0, plotWidth = 840.0, plotHeight = 260.0
    let width = left + plotWidth + 24, height = top + plotHeight + 62
    // The overflow bar stands apart, one slot to the right of the bins, behind a dashed line.
    let barSlot = plotWidth / Double(counts.count + 1)
    func slotX(_ index: Int) -> Double { left + Double(index == counts.count - 1 ? index + 1 : index) * barSlot }
    let highest = max(1, counts.max() ?? 1)
    let axisTop = niceCeiling(Double(highest))
    var svg = """
      <svg class="chart" role="img" aria-label="histogram of per-row relative error" \
      width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))">

      """
    for step in 0...5 {
      let value = axisTop * Double(step) / 5
      let y = top + plotHeight - value / axisTop * plotHeight
      svg += "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(y))\" class=\"grid\"/>"
      svg += "<text x=\"\(f(left - 8))\" y=\"\(f(y + 4))\" class=\"tick\" text-anchor=\"end\">\(Int(value.rounded()))</text>\n"
    }
    for (index, count) in counts.enumerated() {
      let barHeight = Double(count) / axisTop * plotHeight
      let x = slotX(index)
      let isOverflow = index == counts.count - 1
      if count > 0 {
        svg += "<rect x=\"\(f(x + 2))\" y=\"\(f(top + plotHeight - barHeight))\" width=\"\(f(barSlot - 4))\" height=\"\(f(max(1, barHeight)))\" class=\"\(isOverflow ? "larger" : "fit")\"/>"
        svg += "<text x=\"\(f(x + barSlot / 2))\" y=\"\(f(top + plotHeight - barHeight - 5))\" class=\"count\" text-anchor=\"middle\">\(count)</text>\n"
      }
    }
    // Edges under the bars: every fifth, and the overflow bin's label.
    for index in stride(from: 0, through: ErrorHistogram.binCount, by: 5) {
      let x = left + Double(index) * barSlot
      svg += "<line x1=\"\(f(x))\" y1=\"\(f(top + plotHeight))\" x2=\"\(f(x))\" y2=\"\(f(top + plotHeight + 5))\" class=\"axis\"/>"
      svg += "<text x=\"\(f(x))\" y=\"\(f(top + plotHeight + 20))\" class=\"tick\" text-anchor=\"middle\">\(ComparisonChart.tick(histogram.binEdges[index]))</text>\n"
    }
    let overflowX = slotX(counts.count - 1) + barSlot / 2
    let separatorX = left + (Double(ErrorHistogram.binCount) + 0.5) * barSlot
    svg += "<line x1=\"\(f(separatorX))\" y1=\"\(f(top))\" x2=\"\(f(separatorX))\" y2=\"\(f(top + plotHeight))\" class=\"axis\" stroke-dasharray=\"4 4\"/>"
    svg += "<text x=\"\(f(overflowX))\" y=\"\(f(top + plotHeight + 20))\" class=\"tick\" text-anchor=\"middle\">above 1</text>\n"
    svg += "<line x1=\"\(f(left))\" y1=\"\(f(top + plotHeight))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(top + plotHeight))\" class=\"axis\"/>\n"
    svg += "<text x=\"\(f(left + plotWidth / 2))\" y=\"\(f(height - 8))\" class=\"title\" text-anchor=\"middle\">per-row relative error ‖Eᵢ − Êᵢ‖ / ‖Eᵢ‖</text>\n"
    svg += "<text x=\"14\" y=\"\(f(top + plotHeight / 2))\" class=\"title\" text-anchor=\"middle\" transform=\"rotate(-90 14 \(f(top + plotHeight / 2)))\">rows</text>\n"
    return svg + "</svg>"
  }

  /// The smallest of 1, 2 or 5 × 10ⁿ (and at least 5) that reaches `value`, so the axis and its
  /// five steps end on whole round numbers.
  static func niceCeiling(_ value: Double) -> Double {
    let magnitude = pow(10, (log10(max(1, value))).rounded(.down))
    for factor in [1.0, 2, 5, 10] where factor * magnitude >= value { return max(5, factor * magnitude) }
    return max(5, 10 * magnitude)
  }

  static func f(_ value: Double) -> String { String(format: "%.1f", value) }
}
