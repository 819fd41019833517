/// Measures stored compositional tables against the table they approximate, with everything the
/// report puts next to the error: baselines of the same size, the neighbour check, the worst
/// rows and the error histogram. One streamed pass over the input (`MeasurementPass`); the
/// neighbour check then works on the rows it sampled.
///
///     let stored = fitted.tables.rounded(to: .f16)
///     let evaluation = try TableEvaluator.evaluate(table, against: stored, precision: .f16)
///     evaluation.baselines.map(\.relativeFrobenius)
public enum TableEvaluator {
  /// What the evaluation is doing, for a progress display: the pass (`measure`, rows done of all
  /// rows), then the neighbour check (`neighbours`, queries searched of all searches: one search
  /// of every query in E, in the fit and in each baseline).
  public typealias Progress = @Sendable (_ phase: String, _ done: Int, _ total: Int) -> Void

  /// - Parameters:
  ///   - tables: the tables as stored, already rounded to `precision`.
  ///   - precision: what they are stored in; it sets their bytes, the budget every baseline gets.
  /// - Throws: the source's read errors; `.invalidArguments` when the shapes differ.
  public static func evaluate(
    _ source: any TableSource, against tables: RuleTables, precision: StoragePrecision,
    options: EvaluationOptions = EvaluationOptions(), progress: Progress? = nil
  ) throws -> TableEvaluation {
    let info = source.info
    guard info.rows == tables.rule.rows, info.dim == tables.rule.dim else {
      throw EmbCompressError.invalidArguments(
        detail: "the tables rebuild \(tables.rule.rows)×\(tables.rule.dim) but \(info.path) is \(info.rows)×\(info.dim)")
    }
    let (rows, dim) = (info.rows, info.dim)
    // Every byte the checkpoint stores, exact rows and projection included.
    let budget = tables.rule.tensorBytes(precision: precision)
    var omitted: [OmittedBaseline] = []

    let rank = TruncatedSVDBaseline.largestRank(rows: rows, dim: dim, budget: budget)
    var gram: GramAccumulator?
    if rank < 1 {
      omitted.append(
        OmittedBaseline(
          method: .truncatedSVD,
          reason: "rank 1 takes (n + d)·4 = \(TruncatedSVDBaseline.bytes(rank: 1, rows: rows, dim: dim)) bytes, more than the checkpoint's \(budget) tensor bytes"))
    } else if GramAccumulator.bytesNeeded(dim: dim) > options.memoryBudget {
      omitted.append(
        OmittedBaseline(
          method: .truncatedSVD,
          reason: "EᵀE for d = \(dim) needs \(GramAccumulator.bytesNeeded(dim: dim)) bytes, more than the memory budget of \(options.memoryBudget) (--memory)"))
    } else {
      gram = GramAccumulator(dim: dim)
    }
    let buckets = HashBaseline.largestBuckets(rows: rows, dim: dim, precision: precision, budget: budget)
    if buckets < 1 {
      omitted.append(
        OmittedBaseline(
          method: .hash,
          reason: "one row of \(dim) \(precision.rawValue) values takes \(dim * precision.byteSize) bytes, more than the checkpoint's \(budget) tensor bytes"))
    }
    let hashBytes = HashBucketSums.bytesNeeded(buckets: buckets, dim: dim)
    if buckets >= 1 && hashBytes > options.memoryBudget {
      // As large as the checkpoint, and twice that while its sums are in Double: on a table
      // streamed because it is larger than --memory, holding it would break the budget.
      omitted.append(
        OmittedBaseline(
          method: .hash,
          reason: "its bucket sums for \(buckets) buckets need \(hashBytes) bytes, more than the memory budget of \(options.memoryBudget) (--memory)"))
    }
    let hashSums = buckets >= 1 && hashBytes <= options.memoryBudget ? HashBucketSums(buckets: buckets, dim: dim) : nil
    let sample = NeighborSample(rows: rows, size: options.corpusSize, seed: options.seed)
    let sampled = SampledRows(ids: sample.ids, dim: dim)

    let pass = MeasurementPass(
      tables: tables, measuresQuantization: true, gram: gram, hashSums: hashSums, sample: sampled)
    try pass.run(source, threads: options.threads, maxBlockBytes: options.maxBlockBytes) {
      progress?("measure", $0, rows)
    }
    let errors = pass.rowErrors!
    let totalSquares = errors.squaredNorm
    func relative(_ squaredError: Double) -> Double {
      RowErrors.relative(errorSquared: squaredError, normSquared: totalSquares)
    }

    var baselines = [
      Baseline(
        method: .int8Rowwise, bytes: Int8RowwiseQuantization.bytes(rows: rows, dim: dim), inputBytes: info.bytes,
        relativeFrobenius: relative(pass.int8SquaredError), precision: "int8"),
      Baseline(
        method: .float16, bytes: Float16Rounding.bytes(rows: rows, dim: dim), inputBytes: info.bytes,
        relativeFrobenius: relative(pass.float16SquaredError), precision: "f16"),
    ]
    let wantsNeighbors = sampled.ids.count >= 2
    var svd: TruncatedSVDBaseline?
    if let gram {
      svd = TruncatedSVDBaseline(gram: gram.matrix, dim: dim, rank: rank, wantBasis: wantsNeighbors)
      if let svd {
        baselines.append(
          Baseline(
            method: .truncatedSVD, bytes: TruncatedSVDBaseline.bytes(rank: rank, rows: rows, dim: dim),
            inputBytes: info.bytes, relativeFrobenius: svd.relativeError, precision: "f32", rank: rank))
      } else {
        omitted.append(OmittedBaseline(method: .truncatedSVD, reason: "LAPACK's eigen-decomposition of EᵀE did not converge"))
      }
    }
    var hash: HashBaseline?
    if let hashSums {
      let fitted = HashBaseline(sums: hashSums, rows: rows, totalSquares: totalSquares, precision: precision)
      hash = fitted
      baselines.append(
        Baseline(
          method: .hash, bytes: HashBaseline.bytes(buckets: buckets, dim: dim, precision: precision),
          inputBytes: info.bytes, relativeFrobenius: fitted.relativeError, precision: precision.rawValue,
          buckets: buckets))
    }

    let neighbors = measureNeighbors(
      sample: sample, rows: sampled, tables: tables, svd: svd, hash: hash, baselines: &baselines, options: options,
      progress: progress)
    return TableEvaluation(
      error: ErrorMetrics(errors), histogram: ErrorHistogram(errors.relative),
      worstRows: WorstRow.largest(10, in: errors), baselines: baselines, omittedBaselines: omitted,
      neighbors: neighbors)
  }

  /// The neighbour check on the sampled rows: exact cosine top-k in E, then in the fit's and
  /// each baseline's rebuilt rows. Rows that are zero in E have no neighbours to keep and are
  /// left out of the corpus.
  private static func measureNeighbors(
    sample: NeighborSample, rows sampled: SampledRows, tables: RuleTables, svd: TruncatedSVDBaseline?,
    hash: HashBaseline?, baselines: inout [Baseline], options: EvaluationOptions, progress: Progress?
  ) -> NeighborRecall? {
    let dim = sampled.dim
    var keptIDs: [Int] = []
    var original: [Float] = []
    for (index, id) in sampled.ids.enumerated() {
      let row = sampled.values[(index * dim)..<((index + 1) * dim)]
      guard row.contains(where: { $0 != 0 }) else { continue }
      keptIDs.append(id)
      original.append(contentsOf: row)
    }
    let count = keptIDs.count
    guard count >= 2 else { return nil }
    let k = min(options.neighborCount, count - 1)
    var position = [Int: Int](minimumCapacity: count)
    for (index, id) in keptIDs.enumerated() { position[id] = index }
    let queries = Array(sample.byKey.lazy.compactMap { position[$0] }.prefix(options.querySize))

    let searches = (2 + baselines.count) * queries.count
    func neighbors(of rebuilt: [Float]) -> [Int32] {
      CosineNeighbors.nearest(
        corpus: CosineNeighbors.normalized(rebuilt, count: count, dim: dim), count: count, dim: dim, queries: queries,
        k: k, threads: options.threads)
    }
    let truth = neighbors(of: original)
    progress?("neighbours", queries.count, searches)

    var fitRows = [Float](repeating: 0, count: count * dim)
    fitRows.withUnsafeMutableBufferPointer { target in
      let builder = RuleRowBuilder(tables)
      for (i, id) in keptIDs.enumerated() {
        builder.build(id, into: UnsafeMutableBufferPointer(rebasing: target[(i * dim)..<((i + 1) * dim)]))
      }
    }
    let recall = CosineNeighbors.recall(neighbors(of: fitRows), against: truth, k: k)
    progress?("neighbours", 2 * queries.count, searches)

    for index in baselines.indices {
      var rebuilt = [Float](repeating: 0, count: count * dim)
      switch baselines[index].method {
      case .int8Rowwise:
        original.withUnsafeBufferPointer { source in
          rebuilt.withUnsafeMutableBufferPointer { target in
            for i in 0..<count {
              Int8RowwiseQuantization.reconstruct(
                UnsafeBufferPointer(rebasing: source[(i * dim)..<((i + 1) * dim)]),
                into: UnsafeMutableBufferPointer(rebasing: target[(i * dim)..<((i + 1) * dim)]))
            }
          }
        }
      case .float16:
        rebuilt = original.map(Float16Rounding.rounded)
      case .truncatedSVD:
        rebuilt = svd!.reconstruct(original, count: count)
      case .hash:
        for (i, id) in keptIDs.enumerated() { rebuilt.replaceSubrange((i * dim)..<((i + 1) * dim), with: hash!.row(of: id)) }
      }
      baselines[index].recallAtK = CosineNeighbors.recall(neighbors(of: rebuilt), against: truth, k: k)
      progress?("neighbours", (3 + index) * queries.count, searches)
    }
    return NeighborRecall(k: k, queries: queries.count, corpus: count, recallAtK: recall, seed: options.seed)
  }
}
