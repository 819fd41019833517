/// The baselines on the same table, in one pass: int8 row-wise and float16 as the report measures
/// them, the truncated SVD at the largest rank within each of `sizes` (exactly, from the
/// eigenvalues of EᵀE), and the hashing trick within `hashBytes`.
enum PlanBaselines {
  static func measure(_ source: any TableSource, sizes: [Int], hashBytes: Int?, fit: FitOptions) throws -> [PlanBaseline] {
    let info = source.info
    let (rows, dim) = (info.rows, info.dim)
    let gram = GramAccumulator.bytesNeeded(dim: dim) <= fit.memoryBudget ? GramAccumulator(dim: dim) : nil
    let buckets = hashBytes.map { HashBaseline.largestBuckets(rows: rows, dim: dim, precision: .f32, budget: $0) } ?? 0
    let hash = buckets >= 1 ? HashBaseline(buckets: buckets, dim: dim, precision: .f32, keeping: []) : nil
    let hashRanges =
      buckets >= 1
      ? TableEvaluator.hashBucketRanges(buckets: buckets, dim: dim, weighted: false, memoryBudget: fit.memoryBudget) : []
    // The pass needs tables to measure; one row of zeros costs nothing to rebuild.
    let zero = RuleTables(
      CompositionalTables(
        identityFor: try CompositionalLayout(rows: rows, dim: dim, scheme: .hash, operation: .add, sizing: .collisions(1))))
    let pass = MeasurementPass(
      tables: zero, measuresQuantization: true, weights: nil, gram: gram, weightedGram: nil, hashBaseline: hash,
      hashRanges: hashRanges, sample: nil, holdsKeys: false)
    try pass.measureAll(source, threads: fit.threads, maxBlockBytes: fit.maxBlockBytes) { _, _ in }
    let total = pass.totals.norm
    func relative(_ squared: Double) -> Double { RowErrors.relative(errorSquared: squared, normSquared: total) }

    var baselines = [
      PlanBaseline(
        name: "int8-rowwise", bytes: Int8RowwiseQuantization.bytes(rows: rows, dim: dim),
        relativeFrobenius: relative(pass.totals.int8), parameter: nil),
      PlanBaseline(
        name: "float16", bytes: Float16Rounding.bytes(rows: rows, dim: dim),
        relativeFrobenius: relative(pass.totals.float16), parameter: nil),
    ]
    if let gram, let ascending = BLASThreads.withSingleThread({ SymmetricEigenvalues.of(gram.matrix, order: dim) }) {
      let values = ascending.map { max(0, $0) }
      let sum = values.reduce(0, +)
      var ranks = Set<Int>()
      for size in sizes.sorted() {
        let rank = TruncatedSVDBaseline.largestRank(rows: rows, dim: dim, budget: size)
        guard rank >= 1, ranks.insert(rank).inserted else { continue }
        let rest = values[0..<(dim - rank)].reduce(0, +)
        baselines.append(
          PlanBaseline(
            name: "truncated-svd", bytes: TruncatedSVDBaseline.bytes(rank: rank, rows: rows, dim: dim),
            relativeFrobenius: sum > 0 ? (rest / sum).squareRoot() : 0, parameter: rank))
      }
    }
    if let hash = pass.hashBaseline {
      baselines.append(
        PlanBaseline(
          name: "hash", bytes: HashBaseline.bytes(buckets: buckets, dim: dim, precision: .f32),
          relativeFrobenius: relative(hash.squaredError(totalSquares: total)), parameter: buckets))
    }
    return baselines
  }
}
