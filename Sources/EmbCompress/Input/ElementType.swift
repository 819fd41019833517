/// The floating-point type a table is stored in; every reader converts it to `Float`.
///
///     ElementType(name: "bf16")?.byteSize  // 2
public enum ElementType: String, Sendable, CaseIterable, Codable {
  case float16 = "f16"
  case bfloat16 = "bf16"
  case float32 = "f32"
  case float64 = "f64"

  public init?(name: String) { self.init(rawValue: name) }

  public var byteSize: Int {
    switch self {
    case .float16, .bfloat16: 2
    case .float32: 4
    case .float64: 8
    }
  }
}
