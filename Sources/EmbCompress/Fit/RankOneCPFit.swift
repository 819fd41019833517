/// mult with three or more partitions, or two that do not form a grid (crt): per column, a rank-1
/// CP fit Êᵢ[c] = Πⱼ Wⱼ[pⱼ(i)][c] by alternating least squares.
///
/// A round updates each table in turn, one pass each. Rank-1 CP can have local optima, so the fit
/// runs `options.restarts` starts side by side for the first rounds (all-ones, whose first update is
/// the bucket means, then seeded uniform ones), keeps the best start per column, and carries that
/// one on until the error's relative change per round is under the tolerance.
enum RankOneCPFit {
  /// Rounds the starts run side by side before the best is kept.
  static let warmupRounds = 8

  static func fit(
    _ source: any TableSource, layout: CompositionalLayout, options: FitOptions, workers: ColumnWorkers,
    progress: (@Sendable (FitProgress) -> Void)?
  ) throws -> FitOutcome {
    let (partitions, dim) = (layout.partitions, layout.dim)
    let inMemory = layout.rows * dim * MemoryLayout<Float>.stride <= options.memoryBudget
    let sweep = CPSweep(partitions: partitions, dim: dim)
    // Blocks of whole runs, so that no run is cut and the sums do not depend on where blocks start.
    let passes = RowPasses(
      source: source, unitRows: sweep.runLength, keepInMemory: inMemory, maxBlockBytes: options.maxBlockBytes,
      readAhead: options.threads > 1, progress: progress)
    let counts = partitions.map { BucketSums.counts(of: $0, rows: layout.rows) }

    var generator = SplitMix64(seed: options.seed)
    var states: [[DoubleBuffer]] = (0..<options.restarts).map { start in
      partitions.map { partition in
        let table = DoubleBuffer(count: partition.modulus * dim)
        for index in 0..<table.count { table[index] = start == 0 ? 1 : generator.nextSigned() }
        return table
      }
    }
    var totals: [Double]?
    var errors: [[Double]] = []
    var iterations = 0
    var converged = false
    var rule = ConvergenceRule(tolerance: options.tolerance, totalSquares: 0)
    while iterations < options.maxIterations {
      for j in partitions.indices {
        sweep.begin(target: j, states: states)
        try passes.run(phase: "cp") { sweep.add($0, workers: workers) }
        errors = sweep.finish(counts: counts[j])
      }
      iterations += 1
      rule = ConvergenceRule(tolerance: options.tolerance, totalSquares: (0..<dim).reduce(0.0) { $0 + sweep.squares[$1] })
      let current = errors.map { $0.reduce(0, +) }
      let settled = totals.map { zip($0, current).allSatisfy { rule.isConverged(previous: $0, current: $1) } } ?? false
      totals = current
      if states.count > 1 && (settled || iterations >= warmupRounds || iterations == options.maxIterations) {
        errors = [keepBestPerColumn(&states, errors: errors, dim: dim)]
        totals = [errors[0].reduce(0, +)]
      }
      if settled {
        converged = true
        break
      }
    }

    MultiplicativeGauge.apply(factors: states[0], counts: counts, dim: dim)
    return FitOutcome(
      weights: states[0].map(\.floats), sourcePasses: passes.sourcePasses, iterations: iterations,
      converged: converged, method: .cpRankOne, squaredError: errors[0].reduce(0, +), totalSquares: rule.totalSquares)
  }

  /// Copies into state 0, column by column, the tables of the start with the least error, and
  /// drops the others; returns the kept per-column errors.
  private static func keepBestPerColumn(_ states: inout [[DoubleBuffer]], errors: [[Double]], dim: Int) -> [Double] {
    var kept = errors[0]
    for c in 0..<dim {
      let best = errors.indices.min { errors[$0][c] < errors[$1][c] }!
      guard best != 0 else { continue }
      kept[c] = errors[best][c]
      for (table, source) in zip(states[0], states[best]) {
        for b in 0..<(table.count / dim) { table[b * dim + c] = source[b * dim + c] }
      }
    }
    states = [states[0]]
    return kept
  }
}
