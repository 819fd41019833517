import Testing

@testable import EmbCompress

/// Fresh zeros, made on one thread or several.
@Suite struct ZeroedDoublesTests {
  @Test(arguments: [1, 2, 3])
  func everyValueIsZeroWhateverThePieces(threads: Int) {
    for count in [0, 1, ZeroedDoubles.pieceCount - 1, ZeroedDoubles.pieceCount, 2 * ZeroedDoubles.pieceCount + 3] {
      let values = ZeroedDoubles.make(count: count, threads: threads)
      #expect(values.count == count)
      #expect(values.allSatisfy { $0 == 0 && $0.sign == .plus })
    }
  }
}
