/// A safetensors dtype name with its element size, as the format's spec lists them.
public enum SafetensorsDType: String, Sendable, CaseIterable {
  case bool = "BOOL"
  case u8 = "U8", i8 = "I8", f8e5m2 = "F8_E5M2", f8e4m3 = "F8_E4M3"
  case i16 = "I16", u16 = "U16", f16 = "F16", bf16 = "BF16"
  case i32 = "I32", u32 = "U32", f32 = "F32"
  case i64 = "I64", u64 = "U64", f64 = "F64"

  public var byteSize: Int {
    switch self {
    case .bool, .u8, .i8, .f8e5m2, .f8e4m3: 1
    case .i16, .u16, .f16, .bf16: 2
    case .i32, .u32, .f32: 4
    case .i64, .u64, .f64: 8
    }
  }

  /// The table element type this dtype is, when it is one embcompress reads.
  public var elementType: ElementType? {
    switch self {
    case .f16: .float16
    case .bf16: .bfloat16
    case .f32: .float32
    case .f64: .float64
    default: nil
    }
  }

  public init(_ elementType: ElementType) {
    switch elementType {
    case .float16: self = .f16
    case .bfloat16: self = .bf16
    case .float32: self = .f32
    case .float64: self = .f64
    }
  }
}
