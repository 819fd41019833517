import Testing

@testable import EmbCompress

/// mult with ≥ 3 partitions, or crt: against independent random-start ALS written out id by id.
@Suite struct RankOneCPFitTests {
  /// Per column, rank-1 CP ALS from a random start, run until it stops moving; the total error of
  /// each run, and the per-column best over the runs summed.
  func referenceRuns(_ table: TestTable, _ layout: CompositionalLayout, runs: Int, seed: UInt64) -> (each: [Double], bestPerColumn: Double) {
    var random = TestRandom(seed: seed)
    let partitions = layout.partitions
    var totals = [Double](repeating: 0, count: runs)
    var bestPerColumn = 0.0
    for c in 0..<table.dim {
      var best = Double.infinity
      for run in 0..<runs {
        var factors = partitions.map { p in (0..<p.modulus).map { _ in random.normal() } }
        var previous = Double.infinity
        for _ in 0..<2_000 {
          for j in partitions.indices {
            var num = [Double](repeating: 0, count: partitions[j].modulus)
            var den = num
            for i in 0..<table.rows {
              var product = 1.0
              for l in partitions.indices where l != j { product *= factors[l][partitions[l].bucket(of: i)] }
              num[partitions[j].bucket(of: i)] += table.value(i, c) * product
              den[partitions[j].bucket(of: i)] += product * product
            }
            for b in num.indices where den[b] > 0 { factors[j][b] = num[b] / den[b] }
          }
          var error = 0.0
          for i in 0..<table.rows {
            let product = partitions.indices.reduce(1.0) { $0 * factors[$1][partitions[$1].bucket(of: i)] }
            error += (table.value(i, c) - product) * (table.value(i, c) - product)
          }
          let done = previous - error <= 1e-13 * error
          previous = error
          if done { break }
        }
        totals[run] += previous
        best = min(best, previous)
      }
      bestPerColumn += best
    }
    return (totals, bestPerColumn)
  }

  static let cases: [(PartitionScheme, [Int], Int)] = [
    (.gqr, [3, 4, 5], 60), (.gqr, [3, 4, 5], 55), (.gqr, [4, 4, 4], 50), (.gqr, [3, 3, 3, 3], 70),
    (.crt, [3, 4, 5], 60), (.crt, [3, 4, 5], 50), (.crt, [7, 9], 63), (.crt, [7, 9], 55), (.crt, [2, 3, 5, 7], 120),
  ]

  @Test func noWorseThanIndependentRandomStarts() throws {
    for (scheme, moduli, rows) in Self.cases {
      let name = "\(scheme) \(moduli) n=\(rows)"
      let table = TestTable.gaussian(rows: rows, dim: 3, seed: UInt64(rows) * 7 + UInt64(moduli.count), mean: 0.3)
      let layout = try layout(rows: rows, dim: 3, scheme, .mult, .moduli(moduli))
      let result = try CompositionalFitter.fit(
        table.source, layout: layout, options: testOptions(tolerance: 1e-10, maxIterations: 2000))
      #expect(result.method == .cpRankOne && result.converged, "\(name)")
      let error = table.squaredError(of: result.tables)
      #expect(abs(result.squaredError - error) <= 1e-5 * error, "\(name): reported \(result.squaredError), measured \(error)")
      let reference = referenceRuns(table, layout, runs: 4, seed: UInt64(rows))
      // Columns are separate problems, so the bar is each column's best over the runs.
      #expect(
        error <= reference.bestPerColumn * (1 + 1e-6),
        "\(name): \(error) vs the per-column best of 4 random-start runs \(reference.bestPerColumn)")
    }
  }

  @Test func recoversCPStructureToTheNoiseFloor() throws {
    let cases: [(PartitionScheme, [Int], Int)] = [(.gqr, [4, 5, 6], 120), (.gqr, [4, 5, 6], 111), (.crt, [5, 6, 7], 210), (.crt, [11, 13], 140)]
    for (scheme, moduli, rows) in cases {
      let (dim, noise) = (5, 1e-3)
      let layout = try layout(rows: rows, dim: dim, scheme, .mult, .moduli(moduli))
      let factors = randomFactors(layout, seed: UInt64(rows), offset: 0.5)
      let table = TestTable.structured(rows: rows, dim: dim, noise: noise, seed: 31) { i, c in
        zip(layout.partitions, factors).reduce(1.0) { $0 * $1.1[$1.0.bucket(of: i) * dim + c] }
      }
      let result = try CompositionalFitter.fit(table.source, layout: layout, options: testOptions())
      let error = table.squaredError(of: result.tables)
      let floor = noise * noise * Double(rows * dim)
      #expect(error < 1.1 * floor && error > 0.3 * floor, "\(scheme) \(moduli) n=\(rows): error \(error) against a noise floor of \(floor)")
    }
  }
}
