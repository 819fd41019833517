/// mult on a two-partition grid (qr; gqr with two moduli): per column, the best rank-1 b[q]·a[r]
/// of the grid G[q][r] = E[q·m + r][c].
///
/// Routes, in order of preference:
/// - the smaller side's Gram matrix, when it fits a quarter of the memory budget and is at most
///   `largestExactSide` square. The fast side (m × m) streams in one pass; the slow side needs the
///   table in memory. Its top eigenvector is the optimal factor, and one more pass gives the other.
///   On a full grid that is the optimum (Eckart–Young); with a partial last row it seeds ALS.
/// - otherwise ALS (power iteration) from a seeded vector near all-ones.
/// ALS sweeps, one pass each, run until the error's relative change is under the tolerance.
enum GridRankOneFit {
  /// Past this, LAPACK's eigen-solve per column costs more than ALS sweeps would.
  static let largestExactSide = 512

  private enum Route { case fastGram, slowGram, als }

  static func fit(
    _ source: any TableSource, layout: CompositionalLayout, grid: MixedRadixGrid, options: FitOptions,
    workers: ColumnWorkers, progress: (@Sendable (FitProgress) -> Void)?
  ) throws -> FitOutcome {
    let dim = layout.dim
    let inMemory = layout.rows * dim * MemoryLayout<Float>.stride <= options.memoryBudget
    let route = chooseRoute(grid: grid, dim: dim, inMemory: inMemory, options: options, workers: workers)
    // The fast Gram route reads the table twice (plus a few ALS sweeps on a partial grid): a
    // second read from the source costs less than the first touch of a table-sized copy.
    let passes = RowPasses(
      source: source, unitRows: grid.columns, keepInMemory: inMemory && route != .fastGram,
      maxBlockBytes: options.maxBlockBytes, readAhead: options.threads > 1, progress: progress)
    let sweep = GridSweep(grid: grid, dim: dim, threads: options.threads)

    var iterations = 0
    var converged = false
    var error = 0.0
    var previous: Double?
    switch route {
    case .fastGram:
      let gram = GridGram(grid: grid, dim: dim)
      try passes.run(phase: "gram") { gram.add($0, workers: workers) }
      gram.topEigenvectors(into: sweep.fast, workers: workers)
    case .slowGram:
      try passes.run(phase: "read") { _ in }
      sweep.withSlow { SlowSideGram.topEigenvectors(table: passes.table!, grid: grid, dim: dim, into: $0, workers: workers) }
      sweep.begin()
      try passes.run(phase: "als") { sweep.add($0, workers: workers, slowFixed: true) }
      error = sweep.finish()
      iterations = 1
      previous = error
    case .als:
      var generator = SplitMix64(seed: options.seed)
      for index in 0..<(grid.columns * dim) { sweep.fast[index] = 1 + 0.5 * generator.nextSigned() }
    }
    // On a full grid an exact start is the optimum once the other factor is solved for.
    let exact = route != .als && grid.isFull
    if exact && route == .slowGram { converged = true }
    while !converged && iterations < options.maxIterations {
      sweep.begin()
      try passes.run(phase: "als") { sweep.add($0, workers: workers, slowFixed: false) }
      error = sweep.finish()
      iterations += 1
      let rule = ConvergenceRule(tolerance: options.tolerance, totalSquares: sweep.totalSquares)
      if exact || previous.map({ rule.isConverged(previous: $0, current: error) }) == true { converged = true }
      previous = error
    }

    let counts = layout.partitions.map { BucketSums.counts(of: $0, rows: layout.rows) }
    sweep.withSlow { slow in
      var factors: [MultiplicativeGauge.Storage] = [.double(sweep.fast.pointer), .double(sweep.fast.pointer)]
      factors[grid.slowIndex] = .float(slow)
      MultiplicativeGauge.apply(factors: factors, counts: counts, dim: dim)
    }
    var weights = [sweep.fast.floats, sweep.fast.floats]
    weights[grid.slowIndex] = sweep.slow
    return FitOutcome(
      weights: weights, sourcePasses: passes.sourcePasses, iterations: iterations,
      converged: converged, method: route == .als ? .alsRankOne : .gramRankOne, squaredError: error,
      totalSquares: sweep.totalSquares)
  }

  private static func chooseRoute(
    grid: MixedRadixGrid, dim: Int, inMemory: Bool, options: FitOptions, workers: ColumnWorkers
  ) -> Route {
    let budget = options.memoryBudget / 4
    if grid.gridRows < grid.columns, inMemory, grid.gridRows <= largestExactSide,
      GridGram.bytes(side: grid.gridRows, dim: dim) <= budget,
      SlowSideGram.bytes(grid: grid, workers: workers.ranges.count) <= budget
    {
      return .slowGram
    }
    if grid.columns <= largestExactSide, grid.fullRows > 0, GridGram.bytes(side: grid.columns, dim: dim) <= budget {
      return .fastGram
    }
    return .als
  }
}
