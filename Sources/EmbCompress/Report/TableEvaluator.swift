import CKernels
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
  ///   - counts: per-id lookup counts as given (`--counts`, no floor): with them the evaluation
  ///     adds the `weighted` figures, the baselines measured on the same weights.
  /// - Throws: the source's read errors; `.invalidArguments` when the shapes differ, or the
  ///   counts are not one finite, non-negative number per row with at least one positive.
  ///   - groundwork: the sample and bucket sums made ahead, during the fit (used when made for
  ///     these very arguments).
  ///   - measured: called with the error figures as soon as the pass has them, before the
  ///     neighbour check: a converter writes the checkpoint (whose header records the error)
  ///     meanwhile.
  public static func evaluate(
    _ source: any TableSource, against tables: RuleTables, precision: StoragePrecision, counts: [Double]? = nil,
    options: EvaluationOptions = EvaluationOptions(), groundwork: EvaluationGroundwork? = nil, progress: Progress? = nil,
    measured measuredError: ((ErrorMetrics) -> Void)? = nil
  ) throws -> TableEvaluation {
    let info = source.info
    guard info.rows == tables.rule.rows, info.dim == tables.rule.dim else {
      throw EmbCompressError.invalidArguments(
        detail: "the tables rebuild \(tables.rule.rows)×\(tables.rule.dim) but \(info.path) is \(info.rows)×\(info.dim)")
    }
    if let counts {
      guard counts.count == info.rows else {
        throw EmbCompressError.invalidArguments(detail: "\(counts.count) counts for a table of \(info.rows) rows; give one per id")
      }
      guard counts.allSatisfy({ $0.isFinite && $0 >= 0 }), counts.contains(where: { $0 > 0 }) else {
        throw EmbCompressError.invalidArguments(detail: "counts must be finite and non-negative, and not all zero")
      }
    }
    let weighted = counts != nil
    let (rows, dim) = (info.rows, info.dim)
    // Every byte the checkpoint stores, exact rows and projection included.
    let budget = tables.rule.tensorBytes(precision: precision)
    var omitted: [OmittedBaseline] = []

    let rank = TruncatedSVDBaseline.largestRank(rows: rows, dim: dim, budget: budget)
    let gramBytes = GramAccumulator.bytesNeeded(dim: dim) * (weighted ? 2 : 1)
    var gram: GramAccumulator?
    if rank < 1 {
      omitted.append(
        OmittedBaseline(
          method: .truncatedSVD,
          reason: "rank 1 takes (n + d)·4 = \(TruncatedSVDBaseline.bytes(rank: 1, rows: rows, dim: dim)) bytes, more than the checkpoint's \(budget) tensor bytes"))
    } else if gramBytes > options.memoryBudget {
      omitted.append(
        OmittedBaseline(
          method: .truncatedSVD,
          reason: "EᵀE for d = \(dim) needs \(gramBytes) bytes, more than the memory budget of \(options.memoryBudget) (--memory)"))
    } else {
      gram = GramAccumulator(dim: dim)
    }
    let weightedGram = gram != nil && weighted ? GramAccumulator(dim: dim) : nil
    let buckets = HashBaseline.largestBuckets(rows: rows, dim: dim, precision: precision, budget: budget)
    var prepared = groundwork?.take(
      rows: rows, dim: dim, budget: budget, precision: precision, weighted: weighted, options: options)
    let sample = prepared?.sample ?? NeighborSample(rows: rows, size: options.corpusSize, seed: options.seed)
    var hash: HashBaseline?
    var hashRanges: [Range<Int>] = []
    if buckets < 1 {
      omitted.append(
        OmittedBaseline(
          method: .hash,
          reason: "one row of \(dim) \(precision.rawValue) values takes \(dim * precision.byteSize) bytes, more than the checkpoint's \(budget) tensor bytes"))
    } else {
      // The sampled ids' buckets, ascending, once each: the neighbour check needs their rows.
      let sampledBuckets = sample.ids.map { $0 % buckets }.sorted()
      var kept: [Int] = []
      for bucket in sampledBuckets where kept.last != bucket { kept.append(bucket) }
      hash = HashBaseline(buckets: buckets, dim: dim, precision: precision, keeping: kept)
      hashRanges = hashBucketRanges(buckets: buckets, dim: dim, weighted: weighted, memoryBudget: options.memoryBudget)
    }
    let sampled = SampledRows(ids: sample.ids, dim: dim)

    let pass = MeasurementPass(
      tables: tables, measuresQuantization: true, weights: counts, gram: gram, weightedGram: weightedGram,
      hashBaseline: hash, hashRanges: hashRanges, firstHashSums: prepared?.sums, sample: sampled,
      holdsKeys: holdsKeys(rows: rows, memoryBudget: options.memoryBudget))
    // The pass owns the sums now, and frees them once absorbed: the neighbour check's buffers
    // then reuse their pages rather than fresh ones.
    prepared = nil
    try pass.measureAll(source, threads: options.threads, maxBlockBytes: options.maxBlockBytes) { number, done in
      progress?(number == 1 ? "measure" : "measure pass \(number)", done, rows)
    }
    var measured = ErrorMeasurement(pass, rows: rows, dim: dim)
    hash = pass.hashBaseline
    let totals = pass.totals
    let totalSquares = measured.totalSquares
    func relative(_ squaredError: Double) -> Double {
      RowErrors.relative(errorSquared: squaredError, normSquared: totalSquares)
    }
    let weightedSquares = measured.weightedTotalSquares
    var weightedErrors: [WeightedErrorMetrics.BaselineError] = []
    func addWeighted(_ method: Baseline.Method, _ squaredError: Double) {
      weightedErrors.append(
        WeightedErrorMetrics.BaselineError(
          method: method, relativeFrobenius: RowErrors.relative(errorSquared: squaredError, normSquared: weightedSquares)))
    }

    var baselines = [
      Baseline(
        method: .int8Rowwise, bytes: Int8RowwiseQuantization.bytes(rows: rows, dim: dim), inputBytes: info.bytes,
        relativeFrobenius: relative(totals.int8), precision: "int8"),
      Baseline(
        method: .float16, bytes: Float16Rounding.bytes(rows: rows, dim: dim), inputBytes: info.bytes,
        relativeFrobenius: relative(totals.float16), precision: "f16"),
    ]
    if let w = totals.weightedTotals {
      addWeighted(.int8Rowwise, w.int8)
      addWeighted(.float16, w.float16)
    }
    let wantsNeighbors = sampled.ids.count >= 2
    var svd: TruncatedSVDBaseline?
    if let gram {
      svd = TruncatedSVDBaseline(gram: gram.matrix, dim: dim, rank: rank, wantBasis: wantsNeighbors)
      let weightedSVD = weightedGram.flatMap { TruncatedSVDBaseline(gram: $0.matrix, dim: dim, rank: rank, wantBasis: false) }
      if let svd, weightedGram == nil || weightedSVD != nil {
        baselines.append(
          Baseline(
            method: .truncatedSVD, bytes: TruncatedSVDBaseline.bytes(rank: rank, rows: rows, dim: dim),
            inputBytes: info.bytes, relativeFrobenius: svd.relativeError, precision: "f32", rank: rank))
        if let weightedSVD {
          weightedErrors.append(
            WeightedErrorMetrics.BaselineError(method: .truncatedSVD, relativeFrobenius: weightedSVD.relativeError))
        }
      } else {
        svd = nil
        omitted.append(OmittedBaseline(method: .truncatedSVD, reason: "LAPACK's eigen-decomposition of EᵀE did not converge"))
      }
    }
    if let hash {
      baselines.append(
        Baseline(
          method: .hash, bytes: HashBaseline.bytes(buckets: buckets, dim: dim, precision: precision),
          inputBytes: info.bytes, relativeFrobenius: relative(hash.squaredError(totalSquares: totalSquares)),
          precision: precision.rawValue, buckets: buckets))
      if weighted { addWeighted(.hash, hash.weightedSquaredError(totalSquares: weightedSquares)) }
    }
    measured.weighted?.baselines = weightedErrors

    measuredError?(measured.error)
    let neighbors = try measureNeighbors(
      sample: sample, rows: sampled, tables: tables, svd: svd, hash: hash, baselines: &baselines, options: options,
      progress: progress)
    return TableEvaluation(
      error: measured.error, histogram: measured.histogram, worstRows: measured.worstRows, baselines: baselines,
      omittedBaselines: omitted, neighbors: neighbors, weighted: measured.weighted)
  }

  /// Whether the per-row keys of the percentiles (8 bytes a row) are held during the pass: when
  /// they take at most a quarter of `--memory`. Otherwise a second pass counts them again; the
  /// figures are the same bits either way.
  static func holdsKeys(rows: Int, memoryBudget: Int) -> Bool {
    rows.multipliedReportingOverflow(by: 8).partialValue <= memoryBudget / 4
  }

  /// The hash baseline's buckets in ranges whose sums take at most half of `--memory` each: one
  /// range (and no extra pass) unless they would not fit.
  static func hashBucketRanges(buckets: Int, dim: Int, weighted: Bool, memoryBudget: Int) -> [Range<Int>] {
    let perBucket = HashBucketSums.bytesPerBucket(dim: dim, weighted: weighted)
    let perPass = max(1, (memoryBudget / 2) / perBucket)
    return stride(from: 0, to: buckets, by: perPass).map { $0..<min(buckets, $0 + perPass) }
  }

  /// E's nearest rows per neighbour kept, as the candidates of the other searches. With 8 × 10,
  /// the int8 baseline's lists need a search of their own for 73 of 1,000 queries on MiniLM's
  /// token table (134 with 4 × 10) and none on tables of normal values; float16's for none.
  static let candidatesPerNeighbor = 8

  /// The neighbour check on the sampled rows: exact cosine top-k in E, then in the fit's and
  /// each baseline's rebuilt rows. Rows that are zero in E have no neighbours to keep and are
  /// left out of the corpus.
  private static func measureNeighbors(
    sample: NeighborSample, rows sampled: SampledRows, tables: RuleTables, svd: TruncatedSVDBaseline?,
    hash: HashBaseline?, baselines: inout [Baseline], options: EvaluationOptions, progress: Progress?
  ) throws -> NeighborRecall? {
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
    // E's unit rows, and one buffer of rebuilt and one of their unit rows for every other search:
    // fresh memory is dear. Not cleared: every search writes what it reads, so the first touch of
    // these pages happens on all threads, in the loops that fill them.
    var unit = uninitializedFloats(count * dim)
    var corpus = uninitializedFloats(count * dim)
    var rebuilt = uninitializedFloats(count * dim)
    CosineNeighbors.normalize(original, count: count, dim: dim, into: &unit, threads: options.threads)
    // E's `wide` nearest per query are the candidates of every other search (see
    // `CosineNeighbors.nearest(corpus:near:…)`); the first k are E's lists.
    let wide = min(count - 1, Self.candidatesPerNeighbor * k)
    let (candidates, floors) = try CosineNeighbors.nearestWithFloors(
      corpus: unit, count: count, dim: dim, queries: queries, k: wide, threads: options.threads)
    let truth = (0..<queries.count).flatMap { candidates[($0 * wide)..<($0 * wide + k)] }
    progress?("neighbours", queries.count, searches)
    func neighbors(of rows: [Float], width: Int = dim) throws -> [Int32] {
      CosineNeighbors.normalize(rows, count: count, dim: width, into: &corpus, threads: options.threads)
      guard width == dim else {
        return try CosineNeighbors.nearest(
          corpus: corpus, count: count, dim: width, queries: queries, k: k, threads: options.threads)
      }
      return try CosineNeighbors.nearest(
        corpus: corpus, near: unit, candidates: candidates, floors: floors, wide: wide, count: count, dim: dim,
        queries: queries, k: k, threads: options.threads
      ).found
    }

    fillRows(of: &rebuilt, count: count, dim: dim, threads: options.threads) { chunk, row in
      let builder = RuleRowBuilder(tables)
      for i in chunk { builder.build(keptIDs[i], into: row(i)) }
    }
    let recall = CosineNeighbors.recall(try neighbors(of: rebuilt), against: truth, k: k)
    progress?("neighbours", 2 * queries.count, searches)

    for index in baselines.indices {
      var width = dim
      switch baselines[index].method {
      case .int8Rowwise:
        original.withUnsafeBufferPointer { source in
          fillRows(of: &rebuilt, count: count, dim: dim, threads: options.threads) { chunk, row in
            for i in chunk {
              Int8RowwiseQuantization.reconstruct(UnsafeBufferPointer(rebasing: source[(i * dim)..<((i + 1) * dim)]), into: row(i))
            }
          }
        }
      case .float16:
        original.withUnsafeBufferPointer { source in
          rebuilt.withUnsafeMutableBufferPointer { ck_f16_round(source.baseAddress!, source.count, $0.baseAddress!) }
        }
      case .truncatedSVD:
        // The truncation's rows have the cosines of their coordinates: a search in r dimensions, not d.
        let coordinates = svd!.coordinates(of: original, count: count)
        rebuilt.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: coordinates, count: coordinates.count) }
        width = svd!.rank
      case .hash:
        let hash = hash!
        fillRows(of: &rebuilt, count: count, dim: dim, threads: options.threads) { chunk, row in
          for i in chunk {
            let target = row(i)
            hash.row(of: keptIDs[i]).withUnsafeBufferPointer { _ = target.update(fromContentsOf: $0) }
          }
        }
      }
      baselines[index].recallAtK = CosineNeighbors.recall(try neighbors(of: rebuilt, width: width), against: truth, k: k)
      progress?("neighbours", (3 + index) * queries.count, searches)
    }
    return NeighborRecall(k: k, queries: queries.count, corpus: count, recallAtK: recall, seed: options.seed)
  }

  /// `count` Floats, not cleared.
  private static func uninitializedFloats(_ count: Int) -> [Float] {
    [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
  }

  /// Writes the `count` rows of `rows` (`dim` wide) on all threads: `fill` gets a chunk of row
  /// indices and the place of each row.
  private static func fillRows(
    of rows: inout [Float], count: Int, dim: Int, threads: Int,
    _ fill: (Range<Int>, (Int) -> UnsafeMutableBufferPointer<Float>) -> Void
  ) {
    rows.withUnsafeMutableBufferPointer { target in
      let base = target.baseAddress!
      _ = ChunkedRows.map(rows: 0..<count, threads: threads, chunkRows: 1024) { chunk in
        fill(chunk) { UnsafeMutableBufferPointer(start: base + $0 * dim, count: dim) }
      }
    }
  }
}
