import Foundation
import Testing

@testable import EmbCompress

/// The HTML page: self-contained, escaped, and holding the report's numbers and both charts.
@Suite struct HTMLReportTests {
  private func report(path: String) throws -> ConversionReport {
    let table = TestTable.gaussian(rows: 400, dim: 12, seed: 6)
    let layout = try CompositionalLayout(rows: 400, dim: 12, scheme: .qr, operation: .mult, sizing: .collisions(4))
    let tables = try CompositionalFitter.fit(table.source, layout: layout).tables
    let evaluation = try TableEvaluator.evaluate(table.source, against: RuleTables(tables), precision: .f32)
    let info = TableInfo(path: path, format: .npy, name: nil, rows: 400, dim: 12, elementType: .float32, byteOrder: .little)
    return ConversionReport(
      command: .convert, input: info,
      checkpoint: ConversionReport.Checkpoint(
        path: "out.qr", bytes: 5000, rule: TableRule(layout), precision: .f32),
      evaluation: evaluation, fit: ConversionReport.Fit(passes: 1, iterations: 1, converged: true, seconds: 0.1),
      seconds: 0.2)
  }

  @Test func pageIsSelfContainedAndHoldsTheNumbers() throws {
    let report = try report(path: "tables/<b>&q'.npy")
    let page = HTMLReport.render(report)
    #expect(page.hasPrefix("<!DOCTYPE html>"))
    #expect(page.components(separatedBy: "<svg").count - 1 == 2)
    #expect(page.contains("<rect"))
    #expect(!page.lowercased().contains("<script"))
    #expect(!page.contains("http://") && !page.contains("https://"))
    #expect(!page.contains("<link") && !page.contains("@import") && !page.contains("url("))
    #expect(page.contains("tables/&lt;b&gt;&amp;q&#39;.npy"))
    #expect(!page.contains("<b>&q"))
    #expect(page.contains(BaselineComparison.number(report.error.relativeFrobenius)))
    for baseline in report.baselines {
      #expect(page.contains(baseline.method.rawValue))
      #expect(page.contains(BaselineComparison.number(baseline.relativeFrobenius)))
    }
    #expect(page.contains(HTMLText.escaped(BaselineComparison(report).ranking)))
    // Every histogram count that is not zero is written over its bar.
    for count in report.histogram.counts where count > 0 { #expect(page.contains(">\(count)</text>")) }
    for row in report.worstRows { #expect(page.contains("<td>\(row.id)</td>")) }
  }
}
