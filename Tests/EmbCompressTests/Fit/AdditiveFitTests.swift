import Testing

@testable import EmbCompress

/// add against dense least squares on the one-hot design matrix, solved directly (LAPACK dgelsd).
@Suite struct AdditiveFitTests {
  /// Σᵢ‖Eᵢ − Êᵢ‖² of the minimum-norm least-squares solution, and its predictions.
  func leastSquares(_ table: TestTable, _ layout: CompositionalLayout) -> (error: Double, predictions: [Double]) {
    let unknowns = layout.partitions.reduce(0) { $0 + $1.modulus }
    var design = [Double](repeating: 0, count: table.rows * unknowns)
    for i in 0..<table.rows {
      var offset = 0
      for partition in layout.partitions {
        design[i * unknowns + offset + partition.bucket(of: i)] = 1
        offset += partition.modulus
      }
    }
    let targets = table.values.map(Double.init)
    let x = LeastSquares.minimumNorm(
      design: design, rows: table.rows, unknowns: unknowns, rightHandSides: targets, count: table.dim)!
    var predictions = [Double](repeating: 0, count: table.rows * table.dim)
    var error = 0.0
    for i in 0..<table.rows {
      for c in 0..<table.dim {
        var sum = 0.0
        for u in 0..<unknowns where design[i * unknowns + u] != 0 { sum += x[u * table.dim + c] }
        predictions[i * table.dim + c] = sum
        let difference = targets[i * table.dim + c] - sum
        error += difference * difference
      }
    }
    return (error, predictions)
  }

  static let cases: [(PartitionScheme, Sizing, Int)] = [
    (.qr, .collisions(6), 60), (.qr, .collisions(6), 62), (.qr, .collisions(8), 41),
    (.gqr, .moduli([4, 4, 4]), 64), (.gqr, .moduli([4, 4, 4]), 50), (.gqr, .moduli([5, 12]), 58),
    (.crt, .moduli([3, 4, 5]), 60), (.crt, .moduli([3, 4, 5]), 47), (.crt, .moduli([7, 9]), 63),
    (.crt, .moduli([7, 9]), 50), (.crt, .moduli([2, 3, 5, 7]), 200),
  ]

  @Test func matchesDenseLeastSquares() throws {
    for (scheme, sizing, rows) in Self.cases {
      let name = "\(scheme) add \(sizing) n=\(rows)"
      let table = TestTable.gaussian(rows: rows, dim: 5, seed: UInt64(rows) * 3 + 1, mean: 0.5)
      let layout = try layout(rows: rows, dim: 5, scheme, .add, sizing)
      let result = try CompositionalFitter.fit(table.source, layout: layout, options: testOptions(tolerance: 1e-12))
      #expect(result.method == .backfitting && result.passes == 1 && result.converged, "\(name)")
      let reference = leastSquares(table, layout)
      let error = table.squaredError(of: result.tables)
      #expect(abs(error - reference.error) <= 1e-6 * reference.error, "\(name): fit \(error), least squares \(reference.error)")
      #expect(abs(result.squaredError - reference.error) <= 1e-6 * reference.error, "\(name): reported \(result.squaredError)")
      var row = [Float](repeating: 0, count: 5)
      var worst = 0.0
      for i in 0..<rows {
        row.withUnsafeMutableBufferPointer { result.tables.embedding(of: i, into: $0) }
        for c in 0..<5 { worst = max(worst, abs(Double(row[c]) - reference.predictions[i * 5 + c])) }
      }
      #expect(worst < 1e-5, "\(name): predictions differ by \(worst)")
    }
  }

  @Test func defaultToleranceIsCloseToOptimal() throws {
    for (scheme, sizing, rows) in Self.cases {
      let table = TestTable.gaussian(rows: rows, dim: 4, seed: UInt64(rows) + 9)
      let layout = try layout(rows: rows, dim: 4, scheme, .add, sizing)
      let result = try CompositionalFitter.fit(table.source, layout: layout, options: testOptions())
      let reference = leastSquares(table, layout).error
      let error = table.squaredError(of: result.tables)
      #expect(error <= reference * (1 + 1e-5), "\(scheme) \(sizing) n=\(rows): \(error) vs \(reference)")
    }
  }

  /// Every table but the first has zero mean per column, weighted by how many ids use each bucket.
  @Test func gaugeCentresAllButTheFirstTable() throws {
    let table = TestTable.gaussian(rows: 47, dim: 3, seed: 4, mean: 2)
    let layout = try layout(rows: 47, dim: 3, .crt, .add, .moduli([3, 4, 5]))
    let result = try CompositionalFitter.fit(table.source, layout: layout, options: testOptions(tolerance: 1e-12))
    for (j, partition) in layout.partitions.enumerated() where j > 0 {
      for c in 0..<3 {
        let mean = (0..<47).reduce(0.0) { $0 + Double(result.tables.weights[j][partition.bucket(of: $1) * 3 + c]) } / 47
        #expect(abs(mean) < 1e-6, "table \(j) column \(c) has mean \(mean)")
      }
    }
    let first = (0..<47).reduce(0.0) { $0 + Double(result.tables.weights[0][layout.partitions[0].bucket(of: $1) * 3]) } / 47
    #expect(abs(first - 2) < 0.5, "the first table carries the grand mean, got \(first)")
  }

  @Test func recoversAdditiveStructureToTheNoiseFloor() throws {
    let (rows, dim, noise) = (203, 6, 1e-3)
    let layout = try layout(rows: rows, dim: dim, .qr, .add, .collisions(8))
    let factors = randomFactors(layout, seed: 11)
    let table = TestTable.structured(rows: rows, dim: dim, noise: noise, seed: 12) { i, c in
      zip(layout.partitions, factors).reduce(0.0) { $0 + $1.1[$1.0.bucket(of: i) * dim + c] }
    }
    let result = try CompositionalFitter.fit(table.source, layout: layout, options: testOptions())
    let floor = noise * noise * Double(rows * dim)
    let error = table.squaredError(of: result.tables)
    #expect(error < 1.1 * floor && error > 0.5 * floor, "error \(error) against a noise floor of \(floor)")
  }
}
