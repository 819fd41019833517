import EmbCompress
import Foundation

/// The text summary of a report printed on stdout by `convert` and `evaluate`.
enum ReportSummary {
  static func render(_ report: ConversionReport, reportPath: String, htmlPath: String?) -> String {
    let input = report.input
    let checkpoint = report.checkpoint
    let error = report.error
    let shapes = checkpoint.partitions.map { "\($0.tensor) \($0.modulus)×\($0.dim)" }.joined(separator: ", ")
    let source = input.name.map { " \($0)" } ?? ""
    let comparison = BaselineComparison(report)
    var pairs: [(String, String)] = [
      ("input", "\(input.path)\(source): \(TextTable.grouped(input.rows)) × \(input.dim) \(input.elementType.rawValue), \(TextTable.byteSize(input.bytes))"),
      ("checkpoint", "\(checkpoint.path): \(checkpoint.scheme.rawValue) \(checkpoint.operation.rawValue), \(shapes) \(checkpoint.precision.rawValue), \(TextTable.byteSize(checkpoint.bytes))"),
      ("ratio", String(format: "%.2f× smaller", report.compressionRatio)),
      ("error", String(format: "relative Frobenius %.4g   MSE %.3g   max |Δ| %.3g", error.relativeFrobenius, error.mse, error.maxAbs)),
      ("row error", String(format: "mean %.4g   p50 %.4g   p90 %.4g   p99 %.4g   max %.4g", error.rowRelative.mean, error.rowRelative.p50, error.rowRelative.p90, error.rowRelative.p99, error.rowRelative.max)),
      ("cosine", String(format: "mean %.4f   p1 %.4f   p10 %.4f   p50 %.4f   min %.4f", error.cosine.mean, error.cosine.p1, error.cosine.p10, error.cosine.p50, error.cosine.min)),
      ("histogram", histogram(report.histogram)),
      ("worst rows", report.worstRows.prefix(5).map { "\($0.id) (\(BaselineComparison.number($0.relativeError)))" }.joined(separator: ", ")),
    ]
    if let weighted = report.weighted {
      let line = String(format: "relative Frobenius %.4g   row error p50 %.4g   p90 %.4g   p99 %.4g   over %.4g lookups", weighted.relativeFrobenius, weighted.rowRelative.p50, weighted.rowRelative.p90, weighted.rowRelative.p99, weighted.lookups)
      pairs.insert(("weighted", line), at: 4)
    }
    if let neighbors = report.neighbors {
      pairs.append(
        ("neighbours", String(format: "recall@%d %.4f", neighbors.k, neighbors.recallAtK)
          + "   \(TextTable.grouped(neighbors.queries)) queries in a corpus of \(TextTable.grouped(neighbors.corpus)) sampled rows, seed \(neighbors.seed)"))
    } else {
      pairs.append(("neighbours", "not measured: fewer than two non-zero rows to sample"))
    }
    for (index, line) in baselineLines(report).enumerated() { pairs.append((index == 0 ? "baselines" : "", line)) }
    for omitted in report.baselinesOmitted {
      pairs.append(("not compared", "\(omitted.method.rawValue): \(omitted.reason)"))
    }
    pairs.append(("ranking", comparison.ranking))
    if let larger = comparison.largerSummary { pairs.append(("larger", larger)) }
    pairs.append(("verdict", comparison.verdict))
    if let fit = report.fit {
      pairs.append(
        ("fit", "\(fit.passes) pass\(fit.passes == 1 ? "" : "es") over the input, \(fit.iterations) iteration\(fit.iterations == 1 ? "" : "s"), \(fit.converged ? "converged" : "not converged"), " + String(format: "%.2f s (%.2f s in all)", fit.seconds, report.seconds)))
    } else {
      pairs.append(("time", String(format: "%.2f s", report.seconds)))
    }
    pairs.append(("report", reportPath + (htmlPath.map { ", " + $0 } ?? "")))
    return TextTable.lines(pairs)
  }

  /// The fit and each baseline on one aligned line: size, ratio, error, recall, parameters.
  static func baselineLines(_ report: ConversionReport) -> [String] {
    var rows: [[String]] = [
      [
        "\(report.fitLabel) (this fit)", TextTable.byteSize(report.checkpoint.tensorBytes),
        String(format: "%.2f×", report.compressionRatio), "error " + BaselineComparison.number(report.error.relativeFrobenius),
        report.neighbors.map { String(format: "recall %.3f", $0.recallAtK) } ?? "",
        report.checkpoint.precision.rawValue,
      ]
    ]
    for baseline in report.baselines {
      let parameter = baseline.rank.map { "rank \($0), " } ?? baseline.buckets.map { "\($0) rows, " } ?? ""
      rows.append([
        baseline.method.rawValue, TextTable.byteSize(baseline.bytes), String(format: "%.2f×", baseline.compressionRatio),
        "error " + BaselineComparison.number(baseline.relativeFrobenius),
        baseline.recallAtK.map { String(format: "recall %.3f", $0) } ?? "", parameter + baseline.precision,
      ])
    }
    let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
    return rows.map { cells in
      cells.enumerated().map { column, cell in
        // Sizes and ratios read best right-aligned, words left-aligned.
        let pad = String(repeating: " ", count: widths[column] - cell.count)
        return column == 1 || column == 2 ? pad + cell : cell + pad
      }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
    }
  }

  /// The histogram as one line of block characters, 0 to 1 in bins of 0.05, then the overflow.
  static func histogram(_ histogram: ErrorHistogram) -> String {
    let levels = Array("▁▂▃▄▅▆▇█")
    let highest = max(1, histogram.counts.max() ?? 1)
    let bars = histogram.counts.map { count -> Character in
      count == 0 ? " " : levels[min(levels.count - 1, count * levels.count / (highest + 1))]
    }
    return "0 ▕\(String(bars))▏ 1   above 1: \(TextTable.grouped(histogram.overflow)) row\(histogram.overflow == 1 ? "" : "s")"
  }
}
