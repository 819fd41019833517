/// Float values as the little-endian bytes of a stored precision.
public enum TensorEncoding {
  public static func bytes(_ values: [Float], precision: StoragePrecision) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: values.count * precision.byteSize)
    out.withUnsafeMutableBytes { raw in
      for (index, value) in values.enumerated() {
        switch precision {
        case .f32:
          raw.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: index * 4, as: UInt32.self)
        case .f16:
          raw.storeBytes(of: Float16(value).bitPattern.littleEndian, toByteOffset: index * 2, as: UInt16.self)
        case .bf16:
          let bits = UInt16(truncatingIfNeeded: StoragePrecision.bfloat16Bits(value))
          raw.storeBytes(of: bits.littleEndian, toByteOffset: index * 2, as: UInt16.self)
        }
      }
    }
    return out
  }

  public static func dtype(_ precision: StoragePrecision) -> SafetensorsDType {
    switch precision {
    case .f32: .f32
    case .f16: .f16
    case .bf16: .bf16
    }
  }
}
