import Testing

@testable import EmbCompress

@Suite struct CompositionalFitterTests {
  @Test func picksTheAlgorithmFromTheLayout() throws {
    #expect(CompositionalFitter.method(for: try layout(rows: 50, dim: 4, .hash, .mult, .collisions(5))) == .bucketMeans)
    #expect(CompositionalFitter.method(for: try layout(rows: 50, dim: 4, .crt, .concat, .moduli([7, 8]))) == .bucketMeans)
    #expect(CompositionalFitter.method(for: try layout(rows: 50, dim: 4, .gqr, .add, .moduli([2, 5, 5]))) == .backfitting)
    #expect(CompositionalFitter.method(for: try layout(rows: 50, dim: 4, .qr, .mult, .collisions(5))) == .gramRankOne)
    #expect(CompositionalFitter.method(for: try layout(rows: 50, dim: 4, .gqr, .mult, .moduli([5, 10]))) == .gramRankOne)
    #expect(CompositionalFitter.method(for: try layout(rows: 50, dim: 4, .crt, .mult, .moduli([7, 8]))) == .cpRankOne)
    #expect(CompositionalFitter.method(for: try layout(rows: 50, dim: 4, .gqr, .mult, .moduli([2, 5, 5]))) == .cpRankOne)
  }

  @Test func refusesALayoutForAnotherShape() throws {
    let table = TestTable.gaussian(rows: 20, dim: 3, seed: 1)
    #expect(throws: EmbCompressError.self) {
      try CompositionalFitter.fit(table.source, layout: try layout(rows: 21, dim: 3, .qr, .mult, .collisions(4)))
    }
    #expect(throws: EmbCompressError.self) {
      try CompositionalFitter.fit(table.source, layout: try layout(rows: 20, dim: 3, .qr, .mult), options: FitOptions(maxIterations: 0))
    }
  }

  @Test func sameSeedSameFit() throws {
    let table = TestTable.gaussian(rows: 60, dim: 3, seed: 2)
    let layout = try layout(rows: 60, dim: 3, .crt, .mult, .moduli([3, 4, 5]))
    let first = try CompositionalFitter.fit(table.source, layout: layout, options: FitOptions(seed: 1))
    let again = try CompositionalFitter.fit(table.source, layout: layout, options: FitOptions(seed: 1))
    #expect(first.tables == again.tables)
  }

  @Test func rejectsNonFiniteTables() throws {
    var values = TestTable.gaussian(rows: 12, dim: 2, seed: 1).values
    values[7] = .nan
    let source = ArrayTableSource(rows: 12, dim: 2, values: values)
    #expect(throws: EmbCompressError.self) {
      try CompositionalFitter.fit(source, layout: try layout(rows: 12, dim: 2, .qr, .mult, .collisions(3)))
    }
  }

  /// Zero and constant columns, a single row, a grid that is one partial row, m = 1: finite tables,
  /// zero columns fitted as zero, constant ones exactly.
  @Test func degenerateTablesFitCleanly() throws {
    let cases: [(Int, CompositionalLayout)] = [
      (30, try layout(rows: 30, dim: 3, .qr, .mult, .collisions(4))),
      (30, try layout(rows: 30, dim: 3, .qr, .mult, .collisions(1))),
      (30, try layout(rows: 30, dim: 3, .qr, .add, .collisions(4))),
      (30, try layout(rows: 30, dim: 3, .gqr, .mult, .moduli([2, 3, 5]))),
      (30, try layout(rows: 30, dim: 3, .crt, .mult, .moduli([5, 7]))),
      (30, CompositionalLayout(rows: 30, dim: 3, scheme: .hash, operation: .concat, partitions: [
        Partition(tensor: "weight_0", divisor: 1, modulus: 40, dim: 3),
      ])),
      (1, try layout(rows: 1, dim: 3, .qr, .mult, .collisions(1))),
      (5, CompositionalLayout(rows: 5, dim: 3, scheme: .gqr, operation: .mult, partitions: [
        Partition(tensor: "weight_0", divisor: 1, modulus: 8, dim: 3), Partition(tensor: "weight_1", divisor: 8, modulus: 2, dim: 3),
      ])),
    ]
    for (rows, layout) in cases {
      var random = TestRandom(seed: UInt64(rows))
      // Column 0 is zero, column 1 constant, column 2 random.
      let values = (0..<(rows * 3)).map { index -> Float in
        switch index % 3 {
        case 0: 0
        case 1: 2.5
        default: Float(random.normal())
        }
      }
      let table = TestTable(rows: rows, dim: 3, values: values)
      for budget in [1 << 30, 0] {
        let result = try CompositionalFitter.fit(table.source, layout: layout, options: testOptions(memoryBudget: budget))
        let name = "\(layout.scheme) \(layout.operation) \(layout.partitions.map(\.modulus)) n=\(rows) budget \(budget)"
        #expect(result.tables.weights.joined().allSatisfy { $0.isFinite }, "\(name)")
        var row = [Float](repeating: 0, count: 3)
        for i in 0..<rows {
          row.withUnsafeMutableBufferPointer { result.tables.embedding(of: i, into: $0) }
          #expect(row[0] == 0 && abs(row[1] - 2.5) < 1e-5, "\(name): row \(i) is \(row)")
        }
        #expect(table.squaredError(of: result.tables) <= table.totalSquares, "\(name)")
      }
    }
  }
}
