import EmbCompress
import Foundation

/// The text summary of a run over several tables: a line per table, then the totals.
enum BundleSummary {
  static func render(_ report: BundleReport, output: String, reportPath: String) -> String {
    let rows = report.tables.map { table -> [String] in
      let report = table.report
      let int8 = report.baselines.first { $0.method == .int8Rowwise }
      return [
        UntrustedText.escaped(table.name), "\(TextTable.grouped(report.input.rows)) × \(report.input.dim)",
        String(format: "%.2f×", report.compressionRatio), String(format: "%.4g", report.error.relativeFrobenius),
        int8.map { String(format: "%.4g", $0.relativeFrobenius) } ?? "—",
      ]
    }
    let header = ["table", "shape", "ratio", "error", "int8 error"]
    let widths = (0..<header.count).map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
    func line(_ cells: [String]) -> String {
      "  " + zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
    }
    let totals = report.totals
    return ([line(header)] + rows.map(line)).joined(separator: "\n") + "\n"
      + TextTable.lines([
        ("tables", "\(totals.tables), into \(output): \(TextTable.byteSize(totals.checkpointBytes))"),
        ("ratio", String(format: "%.2f× smaller (%@ of input)", totals.compressionRatio, TextTable.byteSize(totals.inputBytes))),
        ("error", String(format: "relative Frobenius %.4g over every table", totals.relativeFrobenius)),
        ("report", reportPath),
      ])
  }
}
