/// Float values as the little-endian bytes of a stored precision.
public enum TensorEncoding {
  public static func bytes(_ values: [Float], precision: StoragePrecision) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: values.count * precision.byteSize)
    out.withUnsafeMutableBytes { raw in
      values.withUnsafeBufferPointer { encode($0, precision: precision, into: raw) }
    }
    return out
  }

  /// Encodes `values` into `raw`, which holds exactly `values.count × precision.byteSize` bytes.
  public static func encode(
    _ values: UnsafeBufferPointer<Float>, precision: StoragePrecision, into raw: UnsafeMutableRawBufferPointer
  ) {
    precondition(raw.count == values.count * precision.byteSize)
    switch precision {
    case .f32:
      for (index, value) in values.enumerated() {
        raw.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: index * 4, as: UInt32.self)
      }
    case .f16:
      for (index, value) in values.enumerated() {
        raw.storeBytes(of: Float16(value).bitPattern.littleEndian, toByteOffset: index * 2, as: UInt16.self)
      }
    case .bf16:
      for (index, value) in values.enumerated() {
        let bits = UInt16(truncatingIfNeeded: StoragePrecision.bfloat16Bits(value))
        raw.storeBytes(of: bits.littleEndian, toByteOffset: index * 2, as: UInt16.self)
      }
    }
  }

  public static func dtype(_ precision: StoragePrecision) -> SafetensorsDType {
    switch precision {
    case .f32: .f32
    case .f16: .f16
    case .bf16: .bf16
    }
  }
}
