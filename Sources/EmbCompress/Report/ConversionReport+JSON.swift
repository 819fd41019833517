import Foundation

extension ConversionReport {
  /// The report as pretty-printed JSON with sorted keys.
  ///
  /// - Throws: `.malformed` naming the input when a figure is not finite: a table of values near
  ///   the float32 limit (±3e38), or a checkpoint that rebuilds to ±Inf, overflows the sums
  ///   behind the figures, and JSON has no number for ±Inf or NaN. (JSONEncoder's own
  ///   EncodingError would otherwise end the run as an unhandled error, exit 1.)
  public func jsonData() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    do {
      return try encoder.encode(self)
    } catch EncodingError.invalidValue(let value, let context) {
      let field = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined()
      throw EmbCompressError.malformed(
        path: input.path,
        detail: "the report's figure \(field.hasPrefix(".") ? String(field.dropFirst()) : field) is \(value), not a number: the table's values, or the rebuilt ones, are too large for float32 arithmetic (|value| near 3.4e38); scale the table down")
    }
  }
}
