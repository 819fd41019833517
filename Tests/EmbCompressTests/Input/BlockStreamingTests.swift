import EmbCompress
import Testing

@Suite struct BlockStreamingTests {
  @Test func blockSizesRespectTheByteLimitAndChunkMultiple() {
    #expect(BlockSizing.rowsPerBlock(dim: 128, maxBytes: 64 << 20, multiple: 1) == 131_072)
    #expect(BlockSizing.rowsPerBlock(dim: 128, maxBytes: 64 << 20, multiple: 1000) == 131_000)
    // A chunk taller than the limit still makes a block of one chunk.
    #expect(BlockSizing.rowsPerBlock(dim: 128, maxBytes: 1024, multiple: 64) == 64)
    #expect(BlockSizing.rowsPerBlock(dim: 1 << 30, maxBytes: 1024, multiple: 1) == 1)
  }

  @Test(arguments: [false, true]) func streamsEveryRowOnceInOrder(readAhead: Bool) throws {
    let table = ArrayTableSource(rows: 10, dim: 3, values: (0..<30).map(Float.init))
    var seen: [Float] = []
    var starts: [Int] = []
    try table.forEachBlock(maxBlockBytes: 4 * 3 * 4, readAhead: readAhead) { block in
      starts.append(block.firstRow)
      seen += block.values
    }
    #expect(starts == [0, 4, 8])
    #expect(seen == (0..<30).map(Float.init))
  }

  @Test(arguments: [false, true]) func readAllFillsTheDestinationAndHandsOnEachBlock(readAhead: Bool) throws {
    let table = ArrayTableSource(rows: 1000, dim: 3, values: (0..<3000).map(Float.init))
    let destination = UnsafeMutableBufferPointer<Float>.allocate(capacity: 3000)
    defer { destination.deallocate() }
    var starts: [Int] = []
    try table.readAll(into: destination, maxBlockBytes: 64 * 3 * 4, readAhead: readAhead) { block in
      starts.append(block.firstRow)
      #expect(Array(block.values) == (block.firstRow * 3..<(block.firstRow + block.rowCount) * 3).map(Float.init))
    }
    #expect(starts == Array(stride(from: 0, to: 1000, by: 64)))
    #expect(Array(destination) == (0..<3000).map(Float.init))
  }

  /// The consumer stops the reader thread when it throws, and the pass rethrows its error.
  @Test func aThrowingConsumerStopsTheReadAhead() {
    struct Stop: Error, Equatable {}
    let table = ArrayTableSource(rows: 10_000, dim: 2, values: [Float](repeating: 1, count: 20_000))
    for failing in [0, 1, 5] {
      var blocksSeen = 0
      #expect(throws: Stop()) {
        try table.forEachBlock(maxBlockBytes: 10 * 2 * 4, readAhead: true) { _ in
          if blocksSeen == failing { throw Stop() }
          blocksSeen += 1
        }
      }
      #expect(blocksSeen == failing)
    }
  }

  @Test(arguments: [false, true]) func nonFiniteValuesStopTheConsumerButAreAllCounted(readAhead: Bool) {
    var values = [Float](repeating: 1, count: 40)
    values[13] = .nan
    values[30] = -.infinity
    values[39] = .infinity
    let table = ArrayTableSource(rows: 10, dim: 4, values: values)
    var blocksSeen = 0
    #expect(throws: EmbCompressError.nonFiniteValues(path: "<memory>", row: 3, column: 1, count: 3)) {
      try table.forEachBlock(maxBlockBytes: 2 * 4 * 4, readAhead: readAhead) { _ in blocksSeen += 1 }
    }
    // Rows 0–1 are clean; the block holding row 3 and everything after never reach the consumer.
    #expect(blocksSeen == 1)
  }

  @Test func scanFindsNonFiniteInTheVectorAndTailParts() {
    for index in [0, 7, 8, 15, 16, 20] {
      var values = [Float](repeating: 0.5, count: 21)
      values[index] = .infinity
      values.withUnsafeBufferPointer { #expect(NonFiniteScan.firstIndex(in: $0) == index) }
    }
    [Float](repeating: .greatestFiniteMagnitude, count: 17).withUnsafeBufferPointer {
      #expect(NonFiniteScan.firstIndex(in: $0) == nil)
    }
  }
}
