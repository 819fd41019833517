/// The tool's name and version, in one place: `embcompress --version`, the report's `tool` and
/// the `.qr` metadata's `producer` all read them from here, so they cannot disagree.
public enum EmbCompressVersion {
  public static let name = "embcompress"
  public static let version = "0.1.0"

  /// The `producer` metadata value of a `.qr` file: `embcompress 0.1.0`.
  public static var producer: String { "\(name) \(version)" }
}
