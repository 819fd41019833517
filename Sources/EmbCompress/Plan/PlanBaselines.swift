/// The baselines on the same table, in one pass: int8 row-wise and float16 as the report measures
/// them, the truncated SVD at the largest rank within each of `sizes` (exactly, from the
/// eigenvalues of EᵀE), and the hashing trick within `hashBytes`. With `counts`, each also by
/// the counts as the report's `weighted` baselines are (the SVD from Eᵀ·diag(w)·E, the hash
/// with weighted bucket means).
enum PlanBaselines {
  static func measure(
    _ source: any TableSource, sizes: [Int], hashBytes: Int?, counts: [Double]?, fit: FitOptions
  ) throws -> [PlanBaseline] {
    let info = source.info
    let (rows, dim) = (info.rows, info.dim)
    let weighted = counts != nil
    let gramFits = GramAccumulator.bytesNeeded(dim: dim) * (weighted ? 2 : 1) <= fit.memoryBudget
    let gram = gramFits ? GramAccumulator(dim: dim) : nil
    let weightedGram = gramFits && weighted ? GramAccumulator(dim: dim) : nil
    let buckets = hashBytes.map { HashBaseline.largestBuckets(rows: rows, dim: dim, precision: .f32, budget: $0) } ?? 0
    let hash = buckets >= 1 ? HashBaseline(buckets: buckets, dim: dim, precision: .f32, keeping: []) : nil
    let hashRanges =
      buckets >= 1
      ? TableEvaluator.hashBucketRanges(buckets: buckets, dim: dim, weighted: weighted, memoryBudget: fit.memoryBudget) : []
    // The pass needs tables to measure; one row of zeros costs nothing to rebuild.
    let zero = RuleTables(
      CompositionalTables(
        identityFor: try CompositionalLayout(rows: rows, dim: dim, scheme: .hash, operation: .add, sizing: .collisions(1))))
    let pass = MeasurementPass(
      tables: zero, measuresQuantization: true, weights: counts, gram: gram, weightedGram: weightedGram,
      hashBaseline: hash, hashRanges: hashRanges, sample: nil, holdsKeys: false)
    try pass.measureAll(source, threads: fit.threads, maxBlockBytes: fit.maxBlockBytes) { _, _ in }
    let totals = pass.totals
    func relative(_ squared: Double) -> Double { RowErrors.relative(errorSquared: squared, normSquared: totals.norm) }
    let weightedNorm = totals.weightedTotals?.norm ?? 0
    func weightedRelative(_ squared: Double?) -> Double? {
      squared.map { RowErrors.relative(errorSquared: $0, normSquared: weightedNorm) }
    }

    var baselines = [
      PlanBaseline(
        name: "int8-rowwise", bytes: Int8RowwiseQuantization.bytes(rows: rows, dim: dim),
        relativeFrobenius: relative(totals.int8), weightedRelativeFrobenius: weightedRelative(totals.weightedTotals?.int8),
        parameter: nil),
      PlanBaseline(
        name: "float16", bytes: Float16Rounding.bytes(rows: rows, dim: dim),
        relativeFrobenius: relative(totals.float16),
        weightedRelativeFrobenius: weightedRelative(totals.weightedTotals?.float16), parameter: nil),
    ]
    /// The eigenvalues of a Gram matrix, clamped at 0, ascending; nil when LAPACK fails.
    func spectrum(_ gram: GramAccumulator?) -> [Double]? {
      guard let gram, let ascending = BLASThreads.withSingleThread({ SymmetricEigenvalues.of(gram.matrix, order: dim) })
      else { return nil }
      return ascending.map { max(0, $0) }
    }
    /// The truncated SVD's relative error at `rank`: the discarded share of the spectrum.
    func svdError(_ values: [Double], rank: Int) -> Double {
      let sum = values.reduce(0, +)
      let rest = values[0..<(dim - rank)].reduce(0, +)
      return sum > 0 ? (rest / sum).squareRoot() : 0
    }
    let weightedValues = spectrum(weightedGram)
    if let values = spectrum(gram), !weighted || weightedValues != nil {
      var ranks = Set<Int>()
      for size in sizes.sorted() {
        let rank = TruncatedSVDBaseline.largestRank(rows: rows, dim: dim, budget: size)
        guard rank >= 1, ranks.insert(rank).inserted else { continue }
        baselines.append(
          PlanBaseline(
            name: "truncated-svd", bytes: TruncatedSVDBaseline.bytes(rank: rank, rows: rows, dim: dim),
            relativeFrobenius: svdError(values, rank: rank),
            weightedRelativeFrobenius: weightedValues.map { svdError($0, rank: rank) }, parameter: rank))
      }
    }
    if let hash = pass.hashBaseline {
      baselines.append(
        PlanBaseline(
          name: "hash", bytes: HashBaseline.bytes(buckets: buckets, dim: dim, precision: .f32),
          relativeFrobenius: relative(hash.squaredError(totalSquares: totals.norm)),
          weightedRelativeFrobenius: weighted ? weightedRelative(hash.weightedSquaredError(totalSquares: weightedNorm)) : nil,
          parameter: buckets))
    }
    return baselines
  }
}
