import EmbCompress
import Testing

@Suite struct ElementDecoderTests {
  private func decode(_ bytes: [UInt8], _ type: ElementType, _ order: ByteOrder, count: Int) -> [Float] {
    var output = [Float](repeating: .nan, count: count)
    bytes.withUnsafeBytes { raw in
      output.withUnsafeMutableBufferPointer { out in
        ElementDecoder(elementType: type, byteOrder: order).decode(from: raw.baseAddress!, stride: type.byteSize, into: out)
      }
    }
    return output
  }

  @Test func widensHalfAndBrainFloat() {
    // 1.0 and -2.0 as IEEE half, little-endian: 0x3C00, 0xC000.
    #expect(decode([0x00, 0x3C, 0x00, 0xC0], .float16, .little, count: 2) == [1, -2])
    #expect(decode([0x3C, 0x00, 0xC0, 0x00], .float16, .big, count: 2) == [1, -2])
    // bfloat16 is the top half of a float: 0x3F80 is 1.0, 0x4049 is 3.140625.
    #expect(decode([0x80, 0x3F, 0x49, 0x40], .bfloat16, .little, count: 2) == [1, 3.140625])
  }

  @Test func roundsDoubleToNearestFloat() {
    let value = 0.1
    let bytes = withUnsafeBytes(of: value.bitPattern.bigEndian) { Array($0) }
    #expect(decode(bytes, .float64, .big, count: 1) == [Float(0.1)])
  }

  @Test func readsUnalignedFloat32() {
    let bytes: [UInt8] = [0xFF] + withUnsafeBytes(of: Float(1.5).bitPattern.littleEndian) { Array($0) }
    var output: [Float] = [0]
    bytes.withUnsafeBytes { raw in
      output.withUnsafeMutableBufferPointer {
        ElementDecoder(elementType: .float32, byteOrder: .little).decode(from: raw.baseAddress! + 1, stride: 4, into: $0)
      }
    }
    #expect(output == [1.5])
  }
}
