/// hash and concat: every table row is the mean of the rows (for concat, of its column block) in
/// its bucket, which is the least-squares optimum because each table column is fitted alone.
enum BucketMeansFit {
  static func fit(
    _ source: any TableSource, layout: CompositionalLayout, options: FitOptions, workers: ColumnWorkers,
    progress: (@Sendable (FitProgress) -> Void)?
  ) throws -> FitOutcome {
    var start = 0
    let columnRanges = layout.partitions.map { partition -> Range<Int> in
      guard layout.operation == .concat else { return 0..<layout.dim }
      defer { start += partition.dim }
      return start..<(start + partition.dim)
    }
    let sums = BucketSums(partitions: layout.partitions, columnRanges: columnRanges, dim: layout.dim)
    let passes = RowPasses(
      source: source, unitRows: 1, keepInMemory: false, maxBlockBytes: options.maxBlockBytes,
      readAhead: options.threads > 1, progress: progress)
    try passes.run(phase: "bucket sums") { sums.add($0, workers: workers) }

    let total = (0..<layout.dim).reduce(0.0) { $0 + sums.squares[$1] }
    var explained = 0.0
    var weights: [[Float]] = []
    for (j, partition) in layout.partitions.enumerated() {
      let counts = BucketSums.counts(of: partition, rows: layout.rows)
      let width = columnRanges[j].count
      let table = sums.sums[j]
      var means = [Float](repeating: 0, count: partition.modulus * width)
      for bucket in 0..<partition.modulus where counts[bucket] > 0 {
        for c in 0..<width {
          let sum = table[bucket * width + c]
          means[bucket * width + c] = Float(sum / counts[bucket])
          explained += sum * sum / counts[bucket]
        }
      }
      weights.append(means)
    }
    // For hash the one table covers every column; for concat the blocks partition them.
    return FitOutcome(
      weights: weights, sourcePasses: passes.sourcePasses, iterations: 1, converged: true,
      method: .bucketMeans, squaredError: max(0, total - explained), totalSquares: total)
  }
}
