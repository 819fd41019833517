import Foundation

/// Fits the terms of a rule to a target held in memory (`rows × width`): the table itself, or
/// its coefficients in a projection's basis. Picks the algorithm (docs/fits.md, "Which algorithm"):
///
/// - one term, no weights: `CompositionalFitter`, today's optimised fit;
/// - R mult terms, no weights, on a full grid: `GridTruncatedSVD`, exact;
/// - R mult terms, no weights, otherwise: ALS (`BlockCoordinateFit`) from the grid SVD with the
///   missing cells at 0 (partial grid), or from greedy rank-1 deflation and seeded random starts
///   (crt, ≥ 3 partitions), the best kept per column;
/// - weights: weighted bucket means (hash, concat), or weighted backfitting / ALS from the
///   unweighted fit (or from `start`).
enum TermFitter {
  static func fit(
    target: [Float], rows: Int, width: Int, layouts: [CompositionalLayout], weights: [Double]?,
    start: [CompositionalTables]? = nil, options: FitOptions, progress: (@Sendable (FitProgress) -> Void)?
  ) throws -> TermFit {
    let layout = layouts[0]
    let workers = ColumnWorkers(dim: width, threads: options.threads)
    guard let weights else {
      if layouts.count == 1 {
        let fitted = try CompositionalFitter.fit(
          ArrayTableSource(rows: rows, dim: width, values: target), layout: layout, options: options, progress: progress)
        return TermFit(
          tables: [fitted.tables], squaredError: fitted.squaredError, iterations: fitted.iterations,
          converged: fitted.converged, methods: [fitted.method.rawValue])
      }
      return try severalTerms(
        target: target, rows: rows, width: width, layouts: layouts, options: options, workers: workers,
        progress: progress)
    }
    let totalSquares = weightedSquares(target, width: width, weights: weights)
    if layout.partitions.count == 1 || layout.operation == .concat {
      let tables = target.withUnsafeBufferPointer {
        WeightedBucketMeans.fit(target: $0, rows: rows, width: width, layout: layout, weights: weights)
      }
      let error = weightedError(target, tables: [tables], rows: rows, width: width, weights: weights)
      return TermFit(tables: [tables], squaredError: error, iterations: 1, converged: true, methods: ["weighted-bucket-means"])
    }
    var methods: [String] = []
    var startTables = start
    if startTables == nil {
      let unweighted = try fit(
        target: target, rows: rows, width: width, layouts: layouts, weights: nil, options: options, progress: progress)
      startTables = unweighted.tables
      methods = unweighted.methods
    }
    var starts = [TermTables(startTables!)]
    if layout.operation == .mult && layouts.count > 1 { starts += randomStarts(layouts, options: options) }
    let refined = try target.withUnsafeBufferPointer { target in
      try weights.withUnsafeBufferPointer { weights in
        try bestPerColumn(
          starts, target: target, rows: rows, width: width, weights: weights.baseAddress!, totalSquares: totalSquares,
          options: options, workers: workers, phase: layout.operation == .add ? "weighted backfitting" : "weighted als",
          progress: progress)
      }
    }
    Self.fixGauge(refined.tables, rows: rows, weights: weights)
    methods.append(layout.operation == .add ? "weighted-backfitting" : "weighted-als")
    return TermFit(
      tables: refined.tables.tables, squaredError: refined.squaredError, iterations: refined.iterations,
      converged: refined.converged, methods: methods)
  }

  /// R > 1 terms have local optima: seeded random starts (`options.restarts` − 1 of them, at most
  /// 2) beside the structured one, the best kept per column.
  private static func randomStarts(_ layouts: [CompositionalLayout], options: FitOptions) -> [TermTables] {
    var random = SplitMix64(seed: options.seed ^ 0x7465_726D_7300_0000)
    return (0..<max(0, min(options.restarts, 3) - 1)).map { _ in
      let tables = TermTables(layouts: layouts)
      for term in tables.buffers { for table in term { for index in 0..<table.count { table[index] = random.nextSigned() } } }
      return tables
    }
  }

  /// Runs `BlockCoordinateFit` from every start and keeps, per column, the start that ended lowest
  /// (the columns are separate problems).
  private static func bestPerColumn(
    _ starts: [TermTables], target: UnsafeBufferPointer<Float>, rows: Int, width: Int, weights: UnsafePointer<Double>?,
    totalSquares: Double, options: FitOptions, workers: ColumnWorkers, phase: String,
    progress: (@Sendable (FitProgress) -> Void)?
  ) throws -> (tables: TermTables, squaredError: Double, iterations: Int, converged: Bool) {
    var best = starts[0]
    var bestErrors: [Double] = []
    var iterations = 0
    var converged = true
    for (index, tables) in starts.enumerated() {
      let refined = try BlockCoordinateFit(
        target: target, rows: rows, width: width, tables: tables, weights: weights, totalSquares: totalSquares,
        options: options, workers: workers, phase: phase, progress: progress)
      iterations += refined.iterations
      converged = converged && refined.converged
      guard index > 0 else {
        best = tables
        bestErrors = refined.columnErrors
        continue
      }
      for c in 0..<width where refined.columnErrors[c] < bestErrors[c] {
        best.takeColumn(c, from: tables)
        bestErrors[c] = refined.columnErrors[c]
      }
    }
    return (best, bestErrors.reduce(0, +), iterations, converged)
  }

  /// R > 1 mult terms without weights.
  private static func severalTerms(
    target: [Float], rows: Int, width: Int, layouts: [CompositionalLayout], options: FitOptions,
    workers: ColumnWorkers, progress: (@Sendable (FitProgress) -> Void)?
  ) throws -> TermFit {
    let totalSquares = target.reduce(0.0) { $0 + Double($1) * Double($1) }
    if let grid = MixedRadixGrid(layouts[0]) {
      let tables = TermTables(layouts: layouts)
      let errors = target.withUnsafeBufferPointer {
        GridTruncatedSVD.fit(target: $0, rows: rows, width: width, grid: grid, tables: tables, workers: workers)
      }
      if grid.isFull {
        fixGauge(tables, rows: rows, weights: nil)
        return TermFit(
          tables: tables.tables, squaredError: errors.reduce(0, +), iterations: 1, converged: true, methods: ["grid-svd"])
      }
      // The missing cells of the partial last row were taken as 0; ALS sweeps respect them.
      let refined = try target.withUnsafeBufferPointer {
        try bestPerColumn(
          [tables] + randomStarts(layouts, options: options), target: $0, rows: rows, width: width, weights: nil,
          totalSquares: totalSquares, options: options, workers: workers, phase: "als", progress: progress)
      }
      fixGauge(refined.tables, rows: rows, weights: nil)
      return TermFit(
        tables: refined.tables.tables, squaredError: refined.squaredError, iterations: 1 + refined.iterations,
        converged: refined.converged, methods: ["grid-svd", "als"])
    }
    // No grid (crt, ≥ 3 partitions): greedy deflation, then seeded random starts; best per column.
    let starts = [try deflationStart(target: target, rows: rows, width: width, layouts: layouts, options: options)]
    let refined = try target.withUnsafeBufferPointer {
      try bestPerColumn(
        starts + randomStarts(layouts, options: options), target: $0, rows: rows, width: width, weights: nil,
        totalSquares: totalSquares, options: options, workers: workers, phase: "cp als", progress: progress)
    }
    fixGauge(refined.tables, rows: rows, weights: nil)
    return TermFit(
      tables: refined.tables.tables, squaredError: refined.squaredError, iterations: refined.iterations,
      converged: refined.converged, methods: ["deflation", "cp-als"])
  }

  /// Term r fitted (rank 1, `CompositionalFitter`) to what terms 0..<r leave.
  private static func deflationStart(
    target: [Float], rows: Int, width: Int, layouts: [CompositionalLayout], options: FitOptions
  ) throws -> TermTables {
    var residual = target
    var fitted: [CompositionalTables] = []
    var row = [Float](repeating: 0, count: width)
    for layout in layouts {
      let term = try CompositionalFitter.fit(
        ArrayTableSource(rows: rows, dim: width, values: residual), layout: layout, options: options
      ).tables
      for id in 0..<rows {
        row.withUnsafeMutableBufferPointer { term.embedding(of: id, into: $0) }
        for c in 0..<width { residual[id * width + c] -= row[c] }
      }
      fitted.append(term)
    }
    return TermTables(fitted)
  }

  /// Fixes the freedom that changes no row: for mult `MultiplicativeGauge` per term (bucket
  /// weights as the counts, so buckets only weightless ids use become 0); for add every table
  /// but the first shifted to weighted mean 0 per column, the first absorbing the shift.
  static func fixGauge(_ tables: TermTables, rows: Int, weights: [Double]?) {
    for (t, layout) in tables.layouts.enumerated() {
      let masses = layout.partitions.map { partition -> [Double] in
        guard let weights else { return BucketSums.counts(of: partition, rows: rows) }
        var mass = [Double](repeating: 0, count: partition.modulus)
        for id in 0..<rows { mass[partition.bucket(of: id)] += weights[id] }
        return mass
      }
      let width = layout.dim
      switch layout.operation {
      case .mult:
        MultiplicativeGauge.apply(factors: tables.buffers[t], counts: masses, dim: width)
      case .add:
        let first = tables.buffers[t][0].pointer
        for j in 1..<layout.partitions.count {
          let table = tables.buffers[t][j].pointer
          let total = masses[j].reduce(0, +)
          guard total > 0 else { continue }
          for c in 0..<width {
            var mean = 0.0
            for (b, mass) in masses[j].enumerated() { mean += mass * table[b * width + c] }
            mean /= total
            for b in 0..<layout.partitions[j].modulus { table[b * width + c] -= mean }
            for b in 0..<layout.partitions[0].modulus { first[b * width + c] += mean }
          }
        }
      case .concat:
        break
      }
    }
  }

  static func weightedSquares(_ target: [Float], width: Int, weights: [Double]) -> Double {
    var total = 0.0
    for (index, value) in target.enumerated() { total += weights[index / width] * Double(value) * Double(value) }
    return total
  }

  /// Σᵢ wᵢ‖Yᵢ − Ŷᵢ‖², the rows rebuilt in Float as the checkpoint would.
  static func weightedError(_ target: [Float], tables: [CompositionalTables], rows: Int, width: Int, weights: [Double]?) -> Double {
    var row = [Float](repeating: 0, count: width)
    var term = [Float](repeating: 0, count: width)
    var total = 0.0
    for id in 0..<rows {
      row.withUnsafeMutableBufferPointer { tables[0].embedding(of: id, into: $0) }
      for t in 1..<tables.count {
        term.withUnsafeMutableBufferPointer { tables[t].embedding(of: id, into: $0) }
        for c in 0..<width { row[c] += term[c] }
      }
      var sum = 0.0
      for c in 0..<width {
        let e = Double(target[id * width + c]) - Double(row[c])
        sum += e * e
      }
      total += (weights?[id] ?? 1) * sum
    }
    return total
  }
}
