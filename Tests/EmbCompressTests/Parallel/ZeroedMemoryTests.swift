import Testing

@testable import EmbCompress

/// Fresh zeros, made on one thread or several.
@Suite struct ZeroedMemoryTests {
  @Test(arguments: [1, 2, 3])
  func everyValueIsZeroWhateverThePieces(threads: Int) {
    let piece = ZeroedMemory.pieceBytes / 8
    for count in [0, 1, piece - 1, piece, 2 * piece + 3] {
      let values: [Double] = ZeroedMemory.array(count: count, threads: threads)
      #expect(values.count == count)
      #expect(values.allSatisfy { $0 == 0 && $0.sign == .plus })
      let floats: [Float] = ZeroedMemory.array(count: 2 * count, threads: threads)
      #expect(floats.count == 2 * count && floats.allSatisfy { $0 == 0 })
    }
  }
}
