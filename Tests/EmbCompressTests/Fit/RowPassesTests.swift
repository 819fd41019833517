import Testing

@testable import EmbCompress

@Suite struct RowPassesTests {
  /// Blocks start on unit boundaries and hold whole units, whatever the source's block size.
  @Test func blocksHoldWholeUnitsInOrder() throws {
    let table = TestTable.gaussian(rows: 103, dim: 3, seed: 1)
    for (unit, blockRows, keep) in [(7, 5, false), (7, 5, true), (7, 30, false), (1, 4, false), (10, 10, false), (200, 9, false)] {
      let passes = RowPasses(
        source: table.source, unitRows: unit, keepInMemory: keep, maxBlockBytes: blockRows * 3 * 4, progress: nil)
      for _ in 0..<2 {
        var next = 0
        try passes.run(phase: "test") { block in
          #expect(block.firstRow == next && block.firstRow % unit == 0)
          #expect(block.rowCount % unit == 0 || block.firstRow + block.rowCount == 103)
          for i in 0..<(block.rowCount * 3) { #expect(block.values[i] == table.values[block.firstRow * 3 + i]) }
          next += block.rowCount
        }
        #expect(next == 103)
      }
      #expect(passes.passes == 2 && passes.sourcePasses == (keep ? 1 : 2))
    }
  }
}
