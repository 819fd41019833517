import EmbCompress
import Foundation

/// The short text summary of a conversion printed on stdout.
enum ReportSummary {
  static func render(_ report: ConversionReport, reportPath: String) -> String {
    let input = report.input
    let checkpoint = report.checkpoint
    let error = report.error
    let shapes = checkpoint.partitions.map { "\($0.tensor) \($0.modulus)×\($0.dim)" }.joined(separator: ", ")
    let source = input.dataset.map { " \($0)" } ?? ""
    let fit = report.fit
    let pairs: [(String, String)] = [
      ("input", "\(input.path)\(source): \(TextTable.grouped(input.rows)) × \(input.dim) \(input.dtype.rawValue), \(TextTable.byteSize(input.bytes))"),
      ("checkpoint", "\(checkpoint.path): \(checkpoint.scheme.rawValue) \(checkpoint.operation.rawValue), \(shapes) \(checkpoint.precision.rawValue), \(TextTable.byteSize(checkpoint.bytes))"),
      ("ratio", String(format: "%.2f× smaller", report.compressionRatio)),
      ("error", String(format: "relative Frobenius %.4g   MSE %.3g   max |Δ| %.3g", error.relativeFrobenius, error.mse, error.maxAbs)),
      ("row error", String(format: "mean %.4g   p50 %.4g   p90 %.4g   p99 %.4g   max %.4g", error.rowRelative.mean, error.rowRelative.p50, error.rowRelative.p90, error.rowRelative.p99, error.rowRelative.max)),
      ("cosine", String(format: "mean %.4f   p1 %.4f   p10 %.4f   p50 %.4f   min %.4f", error.cosine.mean, error.cosine.p1, error.cosine.p10, error.cosine.p50, error.cosine.min)),
      ("fit", "\(fit.passes) pass\(fit.passes == 1 ? "" : "es") over the input, \(fit.iterations) iteration\(fit.iterations == 1 ? "" : "s"), \(fit.converged ? "converged" : "not converged"), " + String(format: "%.2f s (%.2f s in all)", fit.seconds, report.seconds)),
      ("report", reportPath),
    ]
    return TextTable.lines(pairs)
  }
}
