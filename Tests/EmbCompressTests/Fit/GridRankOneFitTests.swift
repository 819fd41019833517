import Testing

@testable import EmbCompress

/// mult on a QR-style grid against independent computations: the SVD of every column's grid
/// (LAPACK dgesdd) for full grids, a long masked ALS from the full rows' SVD for partial ones.
@Suite struct GridRankOneFitTests {
  /// Column c's grid, G[q][r] = E[q·m + r][c], for the first `gridRows` grid rows (all full).
  func grid(_ table: TestTable, column c: Int, width m: Int, gridRows: Int) -> [Double] {
    (0..<(gridRows * m)).map { table.value($0, c) }
  }

  /// ‖E‖² − Σ_c σ₁(G_c)²: the Eckart–Young optimum of a full grid.
  func optimalError(_ table: TestTable, width m: Int) throws -> Double {
    precondition(table.rows % m == 0)
    var explained = 0.0
    for c in 0..<table.dim {
      let values = try #require(SingularValues.of(grid(table, column: c, width: m, gridRows: table.rows / m), rows: table.rows / m, columns: m))
      explained += values[0] * values[0]
    }
    return table.totalSquares - explained
  }

  /// Masked rank-1 ALS in Double, started from the top right singular vector of the full grid rows
  /// and run until it stops moving: the reference for a partial last row.
  func referenceError(_ table: TestTable, width m: Int) throws -> Double {
    let gridRows = (table.rows + m - 1) / m
    let fullRows = table.rows / m
    var total = 0.0
    for c in 0..<table.dim {
      let svd = try #require(SingularValues.thin(grid(table, column: c, width: m, gridRows: fullRows), rows: fullRows, columns: m))
      var a = (0..<m).map { svd.right[$0 * min(fullRows, m)] }
      var b = [Double](repeating: 0, count: gridRows)
      func cells(_ q: Int) -> Int { min(m, table.rows - q * m) }
      var previous = Double.infinity
      for _ in 0..<20_000 {
        for q in 0..<gridRows {
          var num = 0.0, den = 0.0
          for r in 0..<cells(q) {
            num += table.value(q * m + r, c) * a[r]
            den += a[r] * a[r]
          }
          b[q] = num / den
        }
        for r in 0..<m {
          var num = 0.0, den = 0.0
          for q in 0..<gridRows where r < cells(q) {
            num += table.value(q * m + r, c) * b[q]
            den += b[q] * b[q]
          }
          a[r] = num / den
        }
        var error = 0.0
        for i in 0..<table.rows {
          let difference = table.value(i, c) - b[i / m] * a[i % m]
          error += difference * difference
        }
        if previous - error <= 1e-15 * error { previous = error; break }
        previous = error
      }
      total += previous
    }
    return total
  }

  func fit(_ table: TestTable, _ layout: CompositionalLayout, _ options: FitOptions = testOptions()) throws -> (FitResult, Double) {
    let result = try CompositionalFitter.fit(table.source, layout: layout, options: options)
    return (result, table.squaredError(of: result.tables))
  }

  @Test func fullGridMatchesTheSVDOnEveryRoute() throws {
    // (rows, m, budget, expected route): direct Gram (m ≤ 16), BLAS Gram, slow-side Gram (m > rows/m), ALS.
    let cases: [(Int, Int, Int, FitMethod)] = [
      (120, 8, 1 << 30, .gramRankOne), (500, 20, 1 << 30, .gramRankOne), (240, 30, 1 << 30, .gramRankOne),
      (120, 8, 0, .alsRankOne), (240, 30, 0, .alsRankOne),
    ]
    for (rows, m, budget, method) in cases {
      let table = TestTable.gaussian(rows: rows, dim: 5, seed: UInt64(rows + m), mean: 0.2)
      let layout = try layout(rows: rows, dim: 5, .qr, .mult, .collisions(m))
      let (result, error) = try fit(table, layout, testOptions(maxIterations: 1000, memoryBudget: budget))
      let optimum = try optimalError(table, width: m)
      #expect(result.method == method, "n=\(rows) m=\(m)")
      #expect(result.converged, "n=\(rows) m=\(m)")
      #expect(error <= optimum * 1.001, "n=\(rows) m=\(m) budget \(budget): \(error) vs optimum \(optimum)")
      #expect(error >= optimum * (1 - 1e-6), "n=\(rows) m=\(m): below the optimum?")
      #expect(abs(result.squaredError - error) <= 1e-5 * error, "n=\(rows) m=\(m): reported \(result.squaredError)")
    }
  }

  @Test func exactRouteIsTwoPassesWhenStreamed() throws {
    let table = TestTable.gaussian(rows: 240, dim: 4, seed: 2)
    let layout = try layout(rows: 240, dim: 4, .qr, .mult, .collisions(4))
    // Just under the table's size: streamed, but the Gram matrices still fit a quarter of it.
    let (streamed, _) = try fit(table, layout, testOptions(memoryBudget: 240 * 4 * 4 - 1))
    #expect(streamed.method == .gramRankOne && streamed.passes == 2 && streamed.iterations == 1)
    // Two passes cost less than a copy of the table, so this route streams whatever the budget.
    let (held, _) = try fit(table, layout)
    #expect(held.passes == 2 && held.iterations == 1)
  }

  @Test func twoModulusGQRIsAGridToo() throws {
    for rows in [70, 65] {
      let table = TestTable.gaussian(rows: rows, dim: 3, seed: 8)
      let layout = try layout(rows: rows, dim: 3, .gqr, .mult, .moduli([7, 10]))
      let (result, error) = try fit(table, layout, testOptions(tolerance: 1e-9))
      #expect(result.method == .gramRankOne)
      // gqr puts the fast partition first: the grid is rows of 7.
      let reference = rows % 7 == 0 ? try optimalError(table, width: 7) : try referenceError(table, width: 7)
      #expect(error <= reference * (1 + 1e-6), "n=\(rows): \(error) vs \(reference)")
    }
  }

  /// ALS converges linearly, so the default tolerance (relative change per sweep) can stop a few
  /// 1e-6 short on small, heavily partial grids; a tight tolerance must reach the reference.
  @Test func partialGridIsNoWorseThanALongIndependentALS() throws {
    let cases: [(Int, Int, Int)] = [(117, 8, 1 << 30), (61, 6, 1 << 30), (203, 20, 1 << 30), (229, 30, 1 << 30), (117, 8, 0)]
    for (rows, m, budget) in cases {
      let table = TestTable.gaussian(rows: rows, dim: 4, seed: UInt64(rows * m), mean: 0.3)
      let layout = try layout(rows: rows, dim: 4, .qr, .mult, .collisions(m))
      let reference = try referenceError(table, width: m)
      let (tight, tightError) = try fit(table, layout, testOptions(tolerance: 1e-9, maxIterations: 1000, memoryBudget: budget))
      #expect(tight.converged, "n=\(rows) m=\(m)")
      #expect(tightError <= reference * (1 + 1e-6), "n=\(rows) m=\(m) budget \(budget): \(tightError) vs reference \(reference)")
      let (loose, looseError) = try fit(table, layout, testOptions(memoryBudget: budget))
      #expect(loose.converged && looseError <= reference * (1 + 1e-4), "n=\(rows) m=\(m): default tolerance gave \(looseError)")
    }
  }

  @Test func recoversProductStructureToTheNoiseFloor() throws {
    for rows in [240, 237] {
      let (dim, m, noise) = (6, 12, 1e-3)
      let layout = try layout(rows: rows, dim: dim, .qr, .mult, .collisions(m))
      let factors = randomFactors(layout, seed: 21, offset: 0.5)
      let table = TestTable.structured(rows: rows, dim: dim, noise: noise, seed: 22) { i, c in
        zip(layout.partitions, factors).reduce(1.0) { $0 * $1.1[$1.0.bucket(of: i) * dim + c] }
      }
      let (_, error) = try fit(table, layout)
      let floor = noise * noise * Double(rows * dim)
      #expect(error < 1.1 * floor && error > 0.5 * floor, "n=\(rows): error \(error) against a noise floor of \(floor)")
    }
  }
}
