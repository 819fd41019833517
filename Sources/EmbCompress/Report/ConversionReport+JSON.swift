import Foundation

extension ConversionReport {
  /// The report as pretty-printed JSON with sorted keys; a figure that is not a number is
  /// `.malformed` naming the input (`ReportJSON`).
  public func jsonData() throws -> Data { try ReportJSON.encode(self, input: input.path) }
}
