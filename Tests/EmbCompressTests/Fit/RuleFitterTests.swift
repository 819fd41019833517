import Foundation
import Testing

@testable import EmbCompress

/// `RuleFitter` for R terms, weights, exact rows and projections, against references computed
/// here (LAPACK's SVD, dense least squares, plain ALS loops).
@Suite struct RuleFitterTests {
  /// Σᵢ wᵢ‖Eᵢ − Êᵢ‖² of a fitted rule, rebuilt as the checkpoint's reader does.
  static func weightedError(_ table: TestTable, _ tables: RuleTables, weights: [Double]? = nil) -> Double {
    var row = [Float](repeating: 0, count: table.dim)
    var total = 0.0
    for i in 0..<table.rows {
      row.withUnsafeMutableBufferPointer { tables.embedding(of: i, into: $0) }
      var sum = 0.0
      for c in 0..<table.dim {
        let e = table.value(i, c) - Double(row[c])
        sum += e * e
      }
      total += (weights?[i] ?? 1) * sum
    }
    return total
  }

  static func randomWeights(_ rows: Int, seed: UInt64) -> [Double] {
    var random = TestRandom(seed: seed)
    return (0..<rows).map { _ in 0.05 + 3 * random.uniform() * random.uniform() }
  }

  /// The optimum of R mult terms on a full qr grid: per column, Σ of the squared singular values
  /// past the R-th (LAPACK `dgesdd`, not the fitter's Gram route).
  static func truncatedSVDError(_ table: TestTable, m: Int, rank: Int) -> Double {
    let q = table.rows / m
    var total = 0.0
    for c in 0..<table.dim {
      let grid = (0..<table.rows).map { table.value($0, c) }
      let values = SingularValues.of(grid, rows: q, columns: m)!
      total += values.dropFirst(rank).reduce(0) { $0 + $1 * $1 }
    }
    return total
  }

  @Test(arguments: [(96, 4, 2), (96, 4, 3), (120, 12, 2), (60, 20, 4)])
  func severalTermsOnAFullGridAreTheTruncatedSVD(rows: Int, m: Int, terms: Int) throws {
    let table = TestTable.gaussian(rows: rows, dim: 7, seed: UInt64(rows + m + terms))
    let rule = try TableRule(rows: rows, dim: 7, scheme: .qr, operation: .mult, sizing: .collisions(m), terms: terms)
    let fitted = try RuleFitter.fit(table.source, rule: rule, options: testOptions())
    #expect(fitted.method == "grid-svd")
    let optimum = Self.truncatedSVDError(table, m: m, rank: terms)
    let error = Self.weightedError(table, fitted.tables)
    #expect(abs(error - optimum) / table.totalSquares < 1e-6, "\(error) vs \(optimum)")
    #expect(fitted.tables.terms.count == terms)
  }

  @Test func oneTermIsTodaysFitBitForBit() throws {
    let table = TestTable.gaussian(rows: 101, dim: 9, seed: 3)
    let rule = try TableRule(rows: 101, dim: 9, scheme: .qr, operation: .mult, sizing: .collisions(4))
    let fitted = try RuleFitter.fit(table.source, rule: rule, options: testOptions())
    let today = try CompositionalFitter.fit(table.source, layout: rule.terms[0], options: testOptions())
    #expect(fitted.tables.terms == [today.tables])
  }

  /// Plain ALS for R mult terms on a grid with a partial last row: per column, alternately the
  /// least-squares fast factors (m × R) and slow factors (Q × R) over the cells present.
  static func partialGridALS(_ table: TestTable, m: Int, rank: Int, sweeps: Int) -> Double {
    let (n, q) = (table.rows, (table.rows + m - 1) / m)
    var total = 0.0
    var random = TestRandom(seed: 99)
    for c in 0..<table.dim {
      var a = (0..<(m * rank)).map { _ in random.normal() }
      var b = [Double](repeating: 0, count: q * rank)
      func solve(_ normal: [Double], _ right: [Double]) -> [Double] {
        LeastSquares.minimumNorm(design: normal, rows: rank, unknowns: rank, rightHandSides: right, count: 1) ?? right
      }
      for _ in 0..<sweeps {
        for row in 0..<q {
          var normal = [Double](repeating: 0, count: rank * rank), right = [Double](repeating: 0, count: rank)
          for r in 0..<m where row * m + r < n {
            for s in 0..<rank {
              right[s] += a[r * rank + s] * table.value(row * m + r, c)
              for u in 0..<rank { normal[s * rank + u] += a[r * rank + s] * a[r * rank + u] }
            }
          }
          let x = solve(normal, right)
          for s in 0..<rank { b[row * rank + s] = x[s] }
        }
        for r in 0..<m {
          var normal = [Double](repeating: 0, count: rank * rank), right = [Double](repeating: 0, count: rank)
          for row in 0..<q where row * m + r < n {
            for s in 0..<rank {
              right[s] += b[row * rank + s] * table.value(row * m + r, c)
              for u in 0..<rank { normal[s * rank + u] += b[row * rank + s] * b[row * rank + u] }
            }
          }
          let x = solve(normal, right)
          for s in 0..<rank { a[r * rank + s] = x[s] }
        }
      }
      for id in 0..<n {
        var v = 0.0
        for s in 0..<rank { v += b[(id / m) * rank + s] * a[(id % m) * rank + s] }
        total += (table.value(id, c) - v) * (table.value(id, c) - v)
      }
    }
    return total
  }

  @Test(arguments: [(101, 4, 2), (70, 8, 2), (93, 10, 3)])
  func severalTermsOnAPartialGridReachALS(rows: Int, m: Int, terms: Int) throws {
    let table = TestTable.gaussian(rows: rows, dim: 5, seed: UInt64(rows * m))
    let rule = try TableRule(rows: rows, dim: 5, scheme: .qr, operation: .mult, sizing: .collisions(m), terms: terms)
    let fitted = try RuleFitter.fit(table.source, rule: rule, options: testOptions(tolerance: 1e-10, maxIterations: 2000))
    #expect(fitted.method == "grid-svd+als")
    let reference = Self.partialGridALS(table, m: m, rank: terms, sweeps: 2000)
    let error = Self.weightedError(table, fitted.tables)
    #expect(error <= reference * (1 + 1e-3), "\(error) vs ALS \(reference)")
  }

  @Test func severalTermsWithoutAGridImproveOnOne() throws {
    let table = TestTable.gaussian(rows: 90, dim: 4, seed: 5)
    let one = try TableRule(rows: 90, dim: 4, scheme: .crt, operation: .mult, sizing: .moduli([9, 10]))
    let two = try TableRule(rows: 90, dim: 4, scheme: .crt, operation: .mult, sizing: .moduli([9, 10]), terms: 2)
    let a = try RuleFitter.fit(table.source, rule: one, options: testOptions())
    let b = try RuleFitter.fit(table.source, rule: two, options: testOptions())
    #expect(b.method == "deflation+cp-als")
    #expect(Self.weightedError(table, b.tables) < Self.weightedError(table, a.tables) * 0.95)
  }

  @Test(arguments: [PartitionScheme.hash, .qr])
  func weightedBucketMeansAreExact(scheme: PartitionScheme) throws {
    let (rows, dim) = (50, 6)
    let table = TestTable.gaussian(rows: rows, dim: dim, seed: 11)
    let weights = Self.randomWeights(rows, seed: 12)
    let rule = try scheme == .hash
      ? TableRule(rows: rows, dim: dim, scheme: .hash, operation: .mult, sizing: .collisions(7))
      : TableRule(rows: rows, dim: dim, scheme: .qr, operation: .concat, sizing: .collisions(4), concatDims: [2, 4])
    let fitted = try RuleFitter.fit(table.source, rule: rule, weights: weights, options: testOptions())
    #expect(fitted.method == "weighted-bucket-means")
    var offset = 0
    for (j, partition) in rule.terms[0].partitions.enumerated() {
      let columns = scheme == .hash ? dim : partition.dim
      for b in 0..<partition.modulus {
        let ids = (0..<rows).filter { partition.bucket(of: $0) == b }
        let mass = ids.reduce(0.0) { $0 + weights[$1] }
        for c in 0..<columns {
          let mean = ids.reduce(0.0) { $0 + weights[$1] * table.value($1, offset + c) } / mass
          #expect(fitted.tables.terms[0].weights[j][b * columns + c] == Float(mean))
        }
      }
      if scheme != .hash { offset += columns }
    }
  }

  @Test(arguments: [PartitionScheme.qr, .gqr])
  func weightedAddIsTheWeightedLeastSquaresOptimum(scheme: PartitionScheme) throws {
    let (rows, dim) = (61, 3)
    let table = TestTable.gaussian(rows: rows, dim: dim, seed: 21)
    let weights = Self.randomWeights(rows, seed: 22)
    let sizing: Sizing = scheme == .qr ? .collisions(5) : .moduli([3, 4, 6])
    let rule = try TableRule(rows: rows, dim: dim, scheme: scheme, operation: .add, sizing: sizing)
    let fitted = try RuleFitter.fit(table.source, rule: rule, weights: weights, options: testOptions(tolerance: 1e-12, maxIterations: 5000))
    // Dense weighted least squares: one indicator column per bucket of every partition.
    let partitions = rule.terms[0].partitions
    let unknowns = partitions.reduce(0) { $0 + $1.modulus }
    var design = [Double](repeating: 0, count: rows * unknowns)
    var right = [Double](repeating: 0, count: rows * dim)
    for i in 0..<rows {
      let s = weights[i].squareRoot()
      var offset = 0
      for p in partitions {
        design[i * unknowns + offset + p.bucket(of: i)] = s
        offset += p.modulus
      }
      for c in 0..<dim { right[i * dim + c] = s * table.value(i, c) }
    }
    let x = try #require(LeastSquares.minimumNorm(design: design, rows: rows, unknowns: unknowns, rightHandSides: right, count: dim))
    var optimum = 0.0
    for i in 0..<rows {
      for c in 0..<dim {
        var v = 0.0
        var offset = 0
        for p in partitions {
          v += x[(offset + p.bucket(of: i)) * dim + c]
          offset += p.modulus
        }
        optimum += weights[i] * (table.value(i, c) - v) * (table.value(i, c) - v)
      }
    }
    let error = Self.weightedError(table, fitted.tables, weights: weights)
    #expect(fitted.method.hasSuffix("weighted-backfitting"))
    #expect(abs(error - optimum) <= 1e-3 * optimum, "\(error) vs \(optimum)")
  }

  /// Plain weighted ALS for R mult terms over any partitions, id by id: each table in turn is
  /// the weighted least-squares solution given the others (R × R normal equations per bucket).
  static func weightedALS(_ table: TestTable, _ rule: TableRule, weights: [Double], sweeps: Int, seed: UInt64) -> Double {
    let partitions = rule.terms[0].partitions
    let (rank, n, k) = (rule.terms.count, table.rows, partitions.count)
    var total = 0.0
    var random = TestRandom(seed: seed)
    for c in 0..<table.dim {
      // factors[j][b * rank + r]
      var factors = partitions.map { p in (0..<(p.modulus * rank)).map { _ in 1 + 0.5 * random.normal() } }
      func others(_ i: Int, _ j: Int, _ r: Int) -> Double {
        var v = 1.0
        for l in 0..<k where l != j { v *= factors[l][partitions[l].bucket(of: i) * rank + r] }
        return v
      }
      for _ in 0..<sweeps {
        for j in 0..<k {
          var normal = [Double](repeating: 0, count: partitions[j].modulus * rank * rank)
          var right = [Double](repeating: 0, count: partitions[j].modulus * rank)
          for i in 0..<n {
            let b = partitions[j].bucket(of: i)
            let p = (0..<rank).map { others(i, j, $0) }
            for s in 0..<rank {
              right[b * rank + s] += weights[i] * p[s] * table.value(i, c)
              for u in 0..<rank { normal[(b * rank + s) * rank + u] += weights[i] * p[s] * p[u] }
            }
          }
          for b in 0..<partitions[j].modulus {
            let x = LeastSquares.minimumNorm(
              design: Array(normal[(b * rank * rank)..<((b + 1) * rank * rank)]), rows: rank, unknowns: rank,
              rightHandSides: Array(right[(b * rank)..<((b + 1) * rank)]), count: 1)!
            for s in 0..<rank { factors[j][b * rank + s] = x[s] }
          }
        }
      }
      for i in 0..<n {
        var v = 0.0
        for r in 0..<rank {
          var product = 1.0
          for l in 0..<k { product *= factors[l][partitions[l].bucket(of: i) * rank + r] }
          v += product
        }
        total += weights[i] * (table.value(i, c) - v) * (table.value(i, c) - v)
      }
    }
    return total
  }

  @Test(arguments: [(PartitionScheme.qr, 1), (.qr, 2), (.gqr, 1)])
  func weightedMultReachesWeightedALS(scheme: PartitionScheme, terms: Int) throws {
    let (rows, dim) = (58, 3)
    // Structured enough that ALS has one clear optimum to find.
    let table = TestTable.structured(rows: rows, dim: dim, noise: 0.3, seed: 31) { i, c in
      (1 + Double(i % 4) * 0.5) * (2 - Double((i / 4) % 5) * 0.3) + Double(c) * 0.1
    }
    let weights = Self.randomWeights(rows, seed: 32)
    let sizing: Sizing = scheme == .qr ? .collisions(4) : .moduli([4, 5, 3])
    let rule = try TableRule(rows: rows, dim: dim, scheme: scheme, operation: .mult, sizing: sizing, terms: terms)
    let fitted = try RuleFitter.fit(table.source, rule: rule, weights: weights, options: testOptions(tolerance: 1e-12, maxIterations: 5000))
    #expect(fitted.method.hasSuffix("weighted-als"))
    let reference = (0..<3).map { Self.weightedALS(table, rule, weights: weights, sweeps: 800, seed: 40 + $0) }.min()!
    let error = Self.weightedError(table, fitted.tables, weights: weights)
    #expect(error <= reference * 1.001, "\(error) vs weighted ALS \(reference)")
    // And weighting helps the weighted error against the unweighted fit.
    let plain = try RuleFitter.fit(table.source, rule: rule, options: testOptions())
    #expect(error <= Self.weightedError(table, plain.tables, weights: weights))
  }

  @Test func exactRowsByWeightAreTheHeaviestAndExact() throws {
    let (rows, dim) = (80, 5)
    let table = TestTable.gaussian(rows: rows, dim: dim, seed: 51)
    var weights = Self.randomWeights(rows, seed: 52)
    weights[10] = 9; weights[3] = 9; weights[70] = 8  // a tie: 3 before 10
    weights[55] = 9
    let rule = try TableRule(rows: rows, dim: dim, scheme: .qr, operation: .mult, sizing: .collisions(4), exactRowCount: 3)
    let fitted = try RuleFitter.fit(table.source, rule: rule, weights: weights, options: testOptions())
    #expect(fitted.tables.exactIDs == [3, 10, 55])
    var row = [Float](repeating: 0, count: dim)
    for id in fitted.tables.exactIDs {
      row.withUnsafeMutableBufferPointer { fitted.tables.embedding(of: id, into: $0) }
      #expect(row.map(\.bitPattern) == (0..<dim).map { table.values[id * dim + $0].bitPattern })
    }
    // The rest is fitted with the exact ids at weight 0: no worse on the others than the plain weighted fit.
    var rest = weights
    for id in fitted.tables.exactIDs { rest[id] = 0 }
    let plain = try RuleFitter.fit(
      table.source, rule: TableRule(rows: rows, dim: dim, scheme: .qr, operation: .mult, sizing: .collisions(4)),
      weights: weights, options: testOptions())
    #expect(Self.weightedError(table, fitted.tables, weights: rest) <= Self.weightedError(table, plain.tables, weights: rest) * (1 + 1e-6))
  }

  @Test func exactRowsWithoutWeightsAreTheWorstServed() throws {
    let (rows, dim) = (64, 4)
    let table = TestTable.gaussian(rows: rows, dim: dim, seed: 61)
    let base = try TableRule(rows: rows, dim: dim, scheme: .qr, operation: .add, sizing: .collisions(4))
    let rule = try TableRule(rows: rows, dim: dim, scheme: .qr, operation: .add, sizing: .collisions(4), exactRowCount: 5)
    let first = try RuleFitter.fit(table.source, rule: base, options: testOptions())
    var row = [Float](repeating: 0, count: dim)
    let errors = (0..<rows).map { id -> Double in
      row.withUnsafeMutableBufferPointer { first.tables.embedding(of: id, into: $0) }
      return (0..<dim).reduce(0.0) { $0 + pow(table.value(id, $1) - Double(row[$1]), 2) }
    }
    let worst = Array(errors.indices.sorted { errors[$0] > errors[$1] }.prefix(5)).sorted()
    let fitted = try RuleFitter.fit(table.source, rule: rule, options: testOptions())
    #expect(fitted.tables.exactIDs == worst)
    #expect(fitted.method == "bucket-means+worst-rows+weighted-backfitting+exact-rows" || fitted.method.contains("worst-rows"))
    for id in worst {
      row.withUnsafeMutableBufferPointer { fitted.tables.embedding(of: id, into: $0) }
      #expect(row == Array(table.values[(id * dim)..<((id + 1) * dim)]))
    }
    #expect(Self.weightedError(table, fitted.tables) < Self.weightedError(table, first.tables))
  }

  @Test(arguments: [(1, nil as Double?), (2, nil), (1, 1.0)])
  func projectionIsNoWorseThanTheFitOfTheTopSingularBasis(terms: Int, weighted: Double?) throws {
    let (rows, dim, rank) = (96, 12, 4)
    let table = TestTable.structured(rows: rows, dim: dim, noise: 0.2, seed: 71) { i, c in
      sin(Double(i) * 0.1 + Double(c)) * Double(c % 3 + 1)
    }
    let weights = weighted.map { _ in Self.randomWeights(rows, seed: 72) }
    let rule = try TableRule(rows: rows, dim: dim, scheme: .qr, operation: .mult, sizing: .collisions(4), terms: terms, projectionRank: rank)
    let fitted = try RuleFitter.fit(table.source, rule: rule, weights: weights, options: testOptions())
    #expect(fitted.method.hasPrefix("projection"))
    // The reference: V_K from LAPACK's SVD of √W·E, the terms fitted to E·V_K, P = V_Kᵀ.
    var scaled = [Double](repeating: 0, count: rows * dim)
    for i in 0..<rows { for c in 0..<dim { scaled[i * dim + c] = (weights?[i] ?? 1).squareRoot() * table.value(i, c) } }
    let svd = try #require(SingularValues.thin(scaled, rows: rows, columns: dim))
    var coefficients = [Float](repeating: 0, count: rows * rank)
    for i in 0..<rows {
      for k in 0..<rank {
        coefficients[i * rank + k] = Float((0..<dim).reduce(0.0) { $0 + table.value(i, $1) * svd.right[$1 * dim + k] })
      }
    }
    let termRule = try TableRule(rows: rows, dim: rank, scheme: .qr, operation: .mult, sizing: .collisions(4), terms: terms)
    let termFit = try RuleFitter.fit(ArrayTableSource(rows: rows, dim: rank, values: coefficients), rule: termRule, weights: weights, options: testOptions())
    let basis = (0..<(rank * dim)).map { Float(svd.right[($0 % dim) * dim + $0 / dim]) }
    let reference = RuleTables(rule: TableRule(rows: rows, dim: dim, scheme: .qr, terms: termRule.terms, projectionRank: rank), terms: termFit.tables.terms, projection: basis)
    let error = Self.weightedError(table, fitted.tables, weights: weights)
    let baseline = Self.weightedError(table, reference, weights: weights)
    #expect(error <= baseline * (1 + 1e-4), "\(error) vs E·V_K \(baseline)")
    #expect(fitted.tables.projection.count == rank * dim)
  }

  @Test func heldFitsOverTheBudgetAreRefusedSayingWhatTheyNeed() throws {
    let table = TestTable.gaussian(rows: 1000, dim: 16, seed: 81)
    let rule = try TableRule(rows: 1000, dim: 16, scheme: .qr, operation: .mult, sizing: .collisions(4), terms: 2)
    #expect {
      try RuleFitter.fit(table.source, rule: rule, options: testOptions(memoryBudget: 100_000))
    } throws: { error in
      guard case .invalidArguments(let detail) = error as? EmbCompressError else { return false }
      return detail.contains("--memory 1M")
    }
  }

  @Test(arguments: [0, 1, 2])
  func resultsDoNotDependOnTheThreadCount(variant: Int) throws {
    let table = TestTable.gaussian(rows: 203, dim: 40, seed: 91)
    let weights = Self.randomWeights(203, seed: 92)
    let rule: TableRule
    switch variant {
    case 0: rule = try TableRule(rows: 203, dim: 40, scheme: .qr, operation: .mult, sizing: .collisions(8), terms: 2, exactRowCount: 4)
    case 1: rule = try TableRule(rows: 203, dim: 40, scheme: .crt, operation: .mult, sizing: .moduli([14, 15]), terms: 2)
    default: rule = try TableRule(rows: 203, dim: 40, scheme: .qr, operation: .mult, sizing: .collisions(8), terms: 2, projectionRank: 20)
    }
    let w = variant == 1 ? nil : weights
    let one = try RuleFitter.fit(table.source, rule: rule, weights: w, options: testOptions(threads: 1))
    let three = try RuleFitter.fit(table.source, rule: rule, weights: w, options: testOptions(threads: 3))
    #expect(one.tables == three.tables)
    #expect(one.method == three.method)
  }

  @Test func longFitsReportProgress() throws {
    let table = TestTable.gaussian(rows: 120, dim: 8, seed: 93)
    let rule = try TableRule(rows: 120, dim: 8, scheme: .qr, operation: .mult, sizing: .collisions(4), terms: 2)
    let phases = ProgressLog()
    _ = try RuleFitter.fit(table.source, rule: rule, weights: Self.randomWeights(120, seed: 94), options: testOptions()) {
      phases.add($0.phase)
    }
    #expect(phases.values.contains("read") && phases.values.contains("weighted als"))
  }
}
