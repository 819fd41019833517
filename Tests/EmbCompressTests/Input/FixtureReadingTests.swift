import EmbCompress
import Testing

/// Every committed fixture through the library: good ones equal numpy's values bit for bit,
/// bad ones fail with exactly the error the manifest names.
@Suite struct FixtureReadingTests {
  @Test(arguments: FixtureManifest.shared.good)
  func readsGoodFixtureExactly(_ fixture: FixtureManifest.Good) throws {
    let table = try openTable(FixtureManifest.path(fixture.file), options: InputArguments.options(fixture.args))
    let info = table.info
    #expect(info.format.rawValue == fixture.format)
    #expect(info.name == fixture.name)
    #expect(info.rows == fixture.rows)
    #expect(info.dim == fixture.dim)
    #expect(info.elementType.rawValue == fixture.dtype)
    #expect(info.byteOrder.rawValue == fixture.byteOrder)

    let expected = try FixtureManifest.expectedValues(fixture.expected)
    // Small blocks, so multi-block reads (and partial HDF5 chunks) are exercised too.
    for blockBytes in [fixture.dim * 4 * 3, BlockSizing.defaultMaxBytes] {
      var values: [Float] = []
      var nextRow = 0
      try table.forEachBlock(maxBlockBytes: blockBytes) { block in
        #expect(block.firstRow == nextRow)
        nextRow += block.rowCount
        values += block.values
      }
      #expect(values.count == expected.count)
      #expect(values.map(\.bitPattern) == expected.map(\.bitPattern))
    }
  }

  @Test(arguments: FixtureManifest.shared.bad)
  func refusesBadFixture(_ fixture: FixtureManifest.Bad) throws {
    let path = FixtureManifest.path(fixture.file)
    do {
      let table = try openTable(path, options: InputArguments.options(fixture.args))
      try table.forEachBlock { _ in }
      Issue.record("\(fixture.file) was read without error")
    } catch let error as EmbCompressError {
      #expect(error.identifier == fixture.error)
      #expect(error.path == path)
      #expect(!error.message.contains("\n"))
      if case .nonFiniteValues(_, let row, let column, let count) = error {
        #expect(row == fixture.firstRow)
        #expect(column == fixture.firstColumn)
        #expect(count == fixture.count)
      }
    }
  }
}
