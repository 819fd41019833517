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

  /// `value` whole, with control characters (newlines, tabs, escapes) written as `\u{…}`.
  public static func escaped(_ value: String) -> String {
    var out = ""
    for scalar in value.unicodeScalars {
      if scalar.value < 0x20 || scalar.value == 0x7F {
        out += "\\u{" + String(scalar.value, radix: 16) + "}"
      } else {
        out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}
