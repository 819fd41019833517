/// The float type the compact tables are stored in.
public enum StoragePrecision: String, Sendable, CaseIterable, Codable {
  case f32, f16, bf16

  public var byteSize: Int { self == .f32 ? 4 : 2 }

  /// `value` as it reads back after storing at this precision (round to nearest even).
  @inlinable
  public func round(_ value: Float) -> Float {
    switch self {
    case .f32: return value
    case .f16: return Float(Float16(value))
    case .bf16:
      return Float(bitPattern: StoragePrecision.bfloat16Bits(value) << 16)
    }
  }

  /// The bfloat16 bit pattern nearest to `value` (ties to even; NaN stays NaN).
  @inlinable
  public static func bfloat16Bits(_ value: Float) -> UInt32 {
    let bits = value.bitPattern
    if value.isNaN { return (bits >> 16) | 0x40 }
    let rounding = 0x7FFF + ((bits >> 16) & 1)
    return (bits &+ rounding) >> 16
  }
}
