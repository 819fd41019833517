/// Converts stored values (any `ElementType`, either byte order) to `Float`, exactly as numpy's
/// `astype(float32)` would: f16 and bf16 widen exactly, f64 rounds to nearest.
public struct ElementDecoder: Sendable {
  public var elementType: ElementType
  public var byteOrder: ByteOrder

  public init(elementType: ElementType, byteOrder: ByteOrder) {
    self.elementType = elementType
    self.byteOrder = byteOrder
  }

  /// Decodes `output.count` values starting at `source`, `stride` bytes apart (the element size
  /// for contiguous data). `source` needs no particular alignment.
  @inlinable
  public func decode(
    from source: UnsafeRawPointer, stride: Int, into output: UnsafeMutableBufferPointer<Float>
  ) {
    let swap = byteOrder != .host
    switch elementType {
    case .float32:
      if !swap && stride == 4 {
        UnsafeMutableRawPointer(output.baseAddress!).copyMemory(
          from: source, byteCount: output.count * 4)
        return
      }
      for i in 0..<output.count {
        var bits = source.loadUnaligned(fromByteOffset: i * stride, as: UInt32.self)
        if swap { bits = bits.byteSwapped }
        output[i] = Float(bitPattern: bits)
      }
    case .float64:
      for i in 0..<output.count {
        var bits = source.loadUnaligned(fromByteOffset: i * stride, as: UInt64.self)
        if swap { bits = bits.byteSwapped }
        output[i] = Float(Double(bitPattern: bits))
      }
    case .float16:
      for i in 0..<output.count {
        var bits = source.loadUnaligned(fromByteOffset: i * stride, as: UInt16.self)
        if swap { bits = bits.byteSwapped }
        output[i] = Float(Float16(bitPattern: bits))
      }
    case .bfloat16:
      for i in 0..<output.count {
        var bits = source.loadUnaligned(fromByteOffset: i * stride, as: UInt16.self)
        if swap { bits = bits.byteSwapped }
        output[i] = Float(bitPattern: UInt32(bits) << 16)
      }
    }
  }
}
