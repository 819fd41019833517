import Foundation

/// How every report is written as JSON: pretty-printed, sorted keys, and a figure that is not a
/// number turned into one data error naming the input.
///
///     let data = try ReportJSON.encode(report, input: report.input.path)
enum ReportJSON {
  /// - Throws: `.malformed` naming `input` when a figure is not finite: a table of values near
  ///   the float32 limit (±3e38), or a checkpoint that rebuilds to ±Inf, overflows the sums
  ///   behind the figures, and JSON has no number for ±Inf or NaN. (JSONEncoder's own
  ///   EncodingError would otherwise end the run as an unhandled error, exit 1.)
  static func encode(_ value: some Encodable, input: String) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    do {
      return try encoder.encode(value)
    } catch EncodingError.invalidValue(let value, let context) {
      let field = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined()
      throw EmbCompressError.malformed(
        path: input,
        detail: "the report's figure \(field.hasPrefix(".") ? String(field.dropFirst()) : field) is \(value), not a number: the table's values, or the rebuilt ones, are too large for float32 arithmetic (|value| near 3.4e38); scale the table down")
    }
  }
}
