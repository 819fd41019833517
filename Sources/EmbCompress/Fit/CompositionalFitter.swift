import Foundation

/// Fits compositional tables to an already trained dense table, minimising Σᵢ‖Eᵢ − Êᵢ‖².
///
/// Picks the algorithm from the layout (docs/fits.md): bucket means for hash and concat,
/// backfitting for add, rank-1 per column for mult (exact through Gram matrices on a QR-style
/// grid, CP by ALS otherwise). Streams the table in blocks; keeps it in memory between passes
/// when it fits `options.memoryBudget`.
///
///     let layout = try CompositionalLayout(rows: table.info.rows, dim: table.info.dim,
///                                          scheme: .qr, operation: .mult, sizing: .collisions(4))
///     let result = try CompositionalFitter.fit(table, layout: layout)
///     result.tables.weights[0].count  // ceil(rows / 4) × dim
public enum CompositionalFitter {
  public static func fit(
    _ source: any TableSource, layout: CompositionalLayout, options: FitOptions = .init(),
    progress: (@Sendable (FitProgress) -> Void)? = nil
  ) throws -> FitResult {
    let started = DispatchTime.now().uptimeNanoseconds
    try validate(source: source, layout: layout, options: options)
    let workers = ColumnWorkers(dim: layout.dim, threads: options.threads)
    let outcome = try BLASThreads.withSingleThread { () throws -> FitOutcome in
      switch method(for: layout) {
      case .bucketMeans:
        return try BucketMeansFit.fit(source, layout: layout, options: options, workers: workers, progress: progress)
      case .backfitting:
        return try AdditiveFit.fit(source, layout: layout, options: options, workers: workers, progress: progress)
      case .gramRankOne, .alsRankOne:
        return try GridRankOneFit.fit(
          source, layout: layout, grid: MixedRadixGrid(layout)!, options: options, workers: workers, progress: progress)
      case .cpRankOne:
        return try RankOneCPFit.fit(source, layout: layout, options: options, workers: workers, progress: progress)
      }
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    return FitResult(
      tables: CompositionalTables(layout: layout, weights: outcome.weights), passes: outcome.sourcePasses,
      iterations: outcome.iterations, converged: outcome.converged, seconds: seconds, method: outcome.method,
      squaredError: outcome.squaredError, totalSquares: outcome.totalSquares)
  }

  /// The algorithm family for `layout`; for mult on a grid, `.gramRankOne` stands for both grid routes.
  static func method(for layout: CompositionalLayout) -> FitMethod {
    if layout.partitions.count == 1 || layout.operation == .concat { return .bucketMeans }
    if layout.operation == .add { return .backfitting }
    return MixedRadixGrid(layout) != nil ? .gramRankOne : .cpRankOne
  }

  static func validate(source: any TableSource, layout: CompositionalLayout, options: FitOptions) throws {
    func invalid(_ detail: String) -> EmbCompressError { .invalidArguments(detail: detail) }
    let info = source.info
    guard info.rows == layout.rows, info.dim == layout.dim else {
      throw invalid("the layout is for \(layout.rows)×\(layout.dim) but \(info.path) is \(info.rows)×\(info.dim)")
    }
    guard layout.rows >= 1, layout.dim >= 1 else { throw invalid("the layout has no rows or no columns") }
    guard !layout.partitions.isEmpty else { throw invalid("the layout has no partitions") }
    for partition in layout.partitions {
      guard partition.divisor >= 1, partition.modulus >= 1 else {
        throw invalid("partition \(partition.tensor) needs divisor and modulus of at least 1")
      }
    }
    if layout.operation == .concat {
      let widths = layout.partitions.map(\.dim)
      guard widths.allSatisfy({ $0 >= 1 }), widths.reduce(0, +) == layout.dim else {
        throw invalid("concat widths \(widths) must be positive and sum to dim \(layout.dim)")
      }
    } else if let bad = layout.partitions.first(where: { $0.dim != layout.dim }) {
      throw invalid("partition \(bad.tensor) is \(bad.dim) wide; \(layout.operation.rawValue) needs dim \(layout.dim)")
    }
    guard options.maxIterations >= 1 else { throw invalid("maxIterations must be at least 1") }
    guard options.tolerance >= 0, options.tolerance.isFinite else { throw invalid("tolerance must be a finite number ≥ 0") }
    guard options.threads >= 1 else { throw invalid("threads must be at least 1") }
    guard options.memoryBudget >= 0 else { throw invalid("memoryBudget must not be negative") }
    guard options.maxBlockBytes >= 1 else { throw invalid("maxBlockBytes must be positive") }
    guard options.restarts >= 1 else { throw invalid("restarts must be at least 1") }
  }
}
