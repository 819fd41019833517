/// Text taken from a file, made safe to print on one line.
///
/// Names and values in a hostile header can hold newlines or run to megabytes; escaping them
/// keeps every error message, and every line of a report, one readable line.
///
///     UntrustedText.quoted("weight\nq")   // "'weight\u{a}q'"
///     UntrustedText.escaped("in.h5:/emb") // "in.h5:/emb"
public enum UntrustedText {
  /// The most characters of a value an error message shows.
  public static let limit = 60

  /// `value` in single quotes, control characters escaped, cut to `limit` characters.
  public static func quoted(_ value: String) -> String {
    let scalars = value.unicodeScalars
    var shown = String.UnicodeScalarView()
    shown.append(contentsOf: scalars.prefix(limit))
    return "'" + escaped(String(shown)) + (scalars.count > limit ? "…" : "") + "'"
  }

  /// `value` whole, with control characters (newlines, tabs, terminal escapes, C1 controls)
  /// written as `\n`, `\t`, `\r`, `\x1b`, `\u{9b}`, so nothing taken from a file can start a line or move the cursor.
  public static func escaped(_ value: String) -> String {
    var out = ""
    for scalar in value.unicodeScalars {
      switch scalar.value {
      case 0x0A: out += "\\n"
      case 0x0D: out += "\\r"
      case 0x09: out += "\\t"
      case 0x00..<0x20, 0x7F: out += "\\x" + hex(scalar.value, digits: 2)
      // C1 controls (0x9B is a one-byte CSI), line and paragraph separators, bidi overrides.
      case 0x80..<0xA0, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069:
        out += "\\u{" + String(scalar.value, radix: 16) + "}"
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }

  /// At most `limit` of `items` (already escaped), then how many more there are; an error line
  /// listing a hostile file's 1.4 million tensors stays one short line.
  public static func list(_ items: [String], limit: Int = 10) -> String {
    let shown = items.prefix(limit).joined(separator: ", ")
    return items.count > limit ? shown + ", … (\(items.count - limit) more)" : shown
  }

  private static func hex(_ value: UInt32, digits: Int) -> String {
    let text = String(value, radix: 16)
    return String(repeating: "0", count: max(0, digits - text.count)) + text
  }
}
