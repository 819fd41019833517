import Testing

@testable import EmbCompress

/// hash and concat against bucket means computed directly, id by id.
@Suite struct BucketMeansFitTests {
  /// The mean of `columns` over the ids in each bucket of `partition`, straight from the definition.
  func directMeans(_ table: TestTable, _ partition: Partition, columns: Range<Int>) -> [Double] {
    var sums = [Double](repeating: 0, count: partition.modulus * columns.count)
    var counts = [Double](repeating: 0, count: partition.modulus)
    for i in 0..<table.rows {
      let b = (i / partition.divisor) % partition.modulus
      counts[b] += 1
      for (offset, c) in columns.enumerated() { sums[b * columns.count + offset] += table.value(i, c) }
    }
    return sums.indices.map { counts[$0 / columns.count] > 0 ? sums[$0] / counts[$0 / columns.count] : 0 }
  }

  func expectMeans(_ table: TestTable, _ layout: CompositionalLayout, _ name: String) throws {
    let result = try CompositionalFitter.fit(table.source, layout: layout, options: testOptions())
    #expect(result.method == .bucketMeans, "\(name)")
    #expect(result.passes == 1 && result.converged, "\(name)")
    var start = 0
    for (j, partition) in layout.partitions.enumerated() {
      let columns = layout.operation == .concat ? start..<(start + partition.dim) : 0..<layout.dim
      start += partition.dim
      let expected = directMeans(table, partition, columns: columns)
      let fitted = result.tables.weights[j]
      let worst = zip(expected, fitted).map { abs($0 - Double($1)) }.max() ?? 0
      #expect(worst < 1e-5, "\(name): table \(j) differs from the bucket means by \(worst)")
    }
    let error = table.squaredError(of: result.tables)
    #expect(abs(error - result.squaredError) <= 1e-5 * error, "\(name): reported \(result.squaredError), measured \(error)")
  }

  @Test func hashIsBucketMeansForEveryOperation() throws {
    for rows in [60, 61] {
      let table = TestTable.gaussian(rows: rows, dim: 6, seed: UInt64(rows), mean: 0.3)
      for operation in CombineOperation.allCases {
        try expectMeans(table, layout(rows: rows, dim: 6, .hash, operation, .collisions(6)), "hash \(operation) n=\(rows)")
      }
    }
  }

  @Test func concatIsBucketMeansPerColumnBlock() throws {
    let cases: [(PartitionScheme, Sizing, Int)] = [
      (.qr, .collisions(6), 60), (.qr, .collisions(6), 61), (.qr, .collisions(7), 60),
      (.gqr, .moduli([3, 4, 5]), 60), (.gqr, .moduli([3, 4, 5]), 53),
      (.crt, .moduli([3, 4, 5]), 60), (.crt, .moduli([3, 4, 5]), 47), (.crt, .moduli([7, 9]), 50),
    ]
    for (scheme, sizing, rows) in cases {
      let table = TestTable.gaussian(rows: rows, dim: 7, seed: UInt64(rows) + 100, mean: -0.2)
      try expectMeans(table, layout(rows: rows, dim: 7, scheme, .concat, sizing), "\(scheme) concat \(sizing) n=\(rows)")
    }
  }

  @Test func concatWithGivenWidths() throws {
    let table = TestTable.gaussian(rows: 45, dim: 9, seed: 3)
    let layout = try CompositionalLayout(
      rows: 45, dim: 9, scheme: .gqr, operation: .concat, sizing: .moduli([5, 9]), concatDims: [2, 7])
    try expectMeans(table, layout, "gqr concat widths 2+7")
  }
}
