import ArgumentParser
import EmbCompress

/// A `--rows a:b` value: rows `a..<b` of a table, either end optional (`:b` from the first
/// row, `a:` to the last).
struct RowRange: ExpressibleByArgument, CustomStringConvertible {
  var lower: Int?
  var upper: Int?

  init?(argument: String) {
    let sides = argument.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
    guard sides.count == 2 else { return nil }
    func bound(_ text: Substring) -> Int?? {
      if text.isEmpty { return .some(nil) }
      guard text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let value = Int(text) else { return nil }
      return .some(value)
    }
    guard let lower = bound(sides[0]), let upper = bound(sides[1]) else { return nil }
    if let lower, let upper, lower >= upper { return nil }
    self.lower = lower
    self.upper = upper
  }

  var description: String { "\(lower.map(String.init) ?? ""):\(upper.map(String.init) ?? "")" }

  /// The rows of a `rows`-row table this selects; out of the table or empty is a usage error
  /// naming the checkpoint.
  func resolve(rows: Int, path: String) throws -> Range<Int> {
    let first = lower ?? 0
    let end = upper ?? rows
    guard end <= rows else {
      throw EmbCompressError.invalidOption(
        path: path, detail: "--rows \(description) reaches past the table's \(rows) rows (ids 0 to \(rows - 1))")
    }
    guard first < end else {
      throw EmbCompressError.invalidOption(path: path, detail: "--rows \(description) selects none of the table's \(rows) rows")
    }
    return first..<end
  }
}
