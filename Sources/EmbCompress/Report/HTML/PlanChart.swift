import Foundation

/// The plan page's chart: relative error (weighted, with counts) against bytes, both on log scales, one mark per
/// candidate (filled when exact, hollow when estimated), the baselines as squares, the frontier
/// as a line and the recommendation ringed. Inline SVG in the report page's colours.
enum PlanChart {
  static func svg(_ report: PlanReport) -> String {
    let width = 900.0, height = 460.0, left = 70.0, right = 20.0, top = 20.0, bottom = 60.0
    let plotWidth = width - left - right, plotHeight = height - top - bottom
    let points = report.candidates.map { (Double($0.bytes), $0.objective) }
      + report.baselines.map { (Double($0.bytes), $0.objective) }
    let floor = 1e-4
    let xs = points.map(\.0).filter { $0 > 0 }
    let ys = points.map { max(floor, $0.1) }
    let xLow = log10(max(1, (xs.min() ?? 1) / 1.5)), xHigh = log10(max(10, (xs.max() ?? 10) * 1.5))
    let yLow = log10(max(floor, (ys.min() ?? floor) / 1.5)), yHigh = log10(max(1.2, (ys.max() ?? 1) * 1.2))
    func x(_ bytes: Double) -> Double { left + (log10(max(1, bytes)) - xLow) / (xHigh - xLow) * plotWidth }
    func y(_ error: Double) -> Double { top + (yHigh - log10(max(floor, error))) / (yHigh - yLow) * plotHeight }

    var svg = """
      <svg class="chart" role="img" aria-label="relative error against bytes of every candidate and baseline" \
      width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))">

      """
    // Decade gridlines, labelled.
    for decade in Int(xLow.rounded(.up))...max(Int(xLow.rounded(.up)), Int(xHigh.rounded(.down))) {
      let px = x(pow(10, Double(decade)))
      svg += "<line x1=\"\(f(px))\" y1=\"\(f(top))\" x2=\"\(f(px))\" y2=\"\(f(top + plotHeight))\" class=\"grid\"/>"
      svg += "<text x=\"\(f(px))\" y=\"\(f(top + plotHeight + 16))\" class=\"tick\" text-anchor=\"middle\">\(HTMLText.escaped(ByteSizeText.binary(Int(pow(10, Double(decade))))))</text>\n"
    }
    for decade in Int(yLow.rounded(.up))...max(Int(yLow.rounded(.up)), Int(yHigh.rounded(.down))) {
      let py = y(pow(10, Double(decade)))
      svg += "<line x1=\"\(f(left))\" y1=\"\(f(py))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(py))\" class=\"grid\"/>"
      svg += "<text x=\"\(f(left - 6))\" y=\"\(f(py + 4))\" class=\"tick\" text-anchor=\"end\">\(String(format: "%g", pow(10, Double(decade))))</text>\n"
    }
    svg += "<line x1=\"\(f(left))\" y1=\"\(f(top + plotHeight))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(top + plotHeight))\" class=\"axis\"/>"
    svg += "<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(top + plotHeight))\" class=\"axis\"/>\n"
    svg += "<text x=\"\(f(left + plotWidth / 2))\" y=\"\(f(height - 22))\" class=\"title\" text-anchor=\"middle\">bytes of the compact tables (log scale)</text>"
    svg += "<text x=\"16\" y=\"\(f(top + plotHeight / 2))\" class=\"title\" text-anchor=\"middle\" transform=\"rotate(-90 16 \(f(top + plotHeight / 2)))\">\(report.goal.weighted ? "weighted " : "")relative Frobenius error (log scale)</text>\n"

    // The frontier as a staircase: each point holds until the next, smaller error.
    if !report.frontier.isEmpty {
      var path = ""
      for (index, point) in report.frontier.enumerated() {
        let (px, py) = (x(Double(point.bytes)), y(point.objective))
        path += index == 0 ? "M\(f(px)),\(f(py))" : "H\(f(px))V\(f(py))"
      }
      svg += "<path d=\"\(path)\" fill=\"none\" stroke=\"#e08a00\" stroke-width=\"1.5\"/>\n"
    }
    for candidate in report.candidates {
      let (px, py) = (x(Double(candidate.bytes)), y(candidate.objective))
      let style = candidate.estimated ? "fill=\"#fff\" stroke=\"#3b6fb6\" stroke-width=\"1.2\"" : "class=\"base\""
      svg += "<circle cx=\"\(f(px))\" cy=\"\(f(py))\" r=\"3.5\" \(style)><title>\(HTMLText.escaped(candidate.rule.label)): \(BaselineComparison.number(candidate.objective))\(candidate.estimated ? " (estimated)" : "")</title></circle>\n"
    }
    for baseline in report.baselines {
      let (px, py) = (x(Double(baseline.bytes)), y(baseline.objective))
      svg += "<rect x=\"\(f(px - 4))\" y=\"\(f(py - 4))\" width=\"8\" height=\"8\" class=\"larger\"><title>\(HTMLText.escaped(baseline.name)): \(BaselineComparison.number(baseline.objective))</title></rect>"
      svg += "<text x=\"\(f(px + 7))\" y=\"\(f(py + 4))\" class=\"detail\">\(HTMLText.escaped(baseline.name))</text>\n"
    }
    if let pick = report.recommended {
      let (px, py) = (x(Double(pick.bytes)), y(pick.objective))
      svg += "<circle cx=\"\(f(px))\" cy=\"\(f(py))\" r=\"8\" fill=\"none\" stroke=\"#e08a00\" stroke-width=\"2.5\"/>"
      svg += "<text x=\"\(f(px + 11))\" y=\"\(f(py - 8))\" class=\"value\">\(HTMLText.escaped(pick.rule.label))</text>\n"
    }
    // Legend.
    let legendY = height - 8
    svg += "<circle cx=\"\(f(left + 6))\" cy=\"\(f(legendY - 4))\" r=\"3.5\" class=\"base\"/><text x=\"\(f(left + 14))\" y=\"\(f(legendY))\" class=\"tick\">exact candidate</text>"
    svg += "<circle cx=\"\(f(left + 126))\" cy=\"\(f(legendY - 4))\" r=\"3.5\" fill=\"#fff\" stroke=\"#3b6fb6\"/><text x=\"\(f(left + 134))\" y=\"\(f(legendY))\" class=\"tick\">estimated on a sample</text>"
    svg += "<rect x=\"\(f(left + 282))\" y=\"\(f(legendY - 8))\" width=\"8\" height=\"8\" class=\"larger\"/><text x=\"\(f(left + 296))\" y=\"\(f(legendY))\" class=\"tick\">baseline</text>"
    svg += "<line x1=\"\(f(left + 366))\" y1=\"\(f(legendY - 4))\" x2=\"\(f(left + 386))\" y2=\"\(f(legendY - 4))\" stroke=\"#e08a00\" stroke-width=\"1.5\"/><text x=\"\(f(left + 392))\" y=\"\(f(legendY))\" class=\"tick\">frontier; ringed: the recommendation</text>\n"
    return svg + "</svg>"
  }

  static func f(_ value: Double) -> String { String(format: "%.1f", value) }
}
