/// The byte order of the stored values.
public enum ByteOrder: String, Sendable, CaseIterable, Codable {
  case little, big

  /// The order of the machine running the code.
  public static var host: ByteOrder { 1.littleEndian == 1 ? .little : .big }
}
