import CKernels
import Dispatch

/// The report's streamed pass over the input: every row against the stored tables, and in the
/// same read what the baselines and the neighbour check need.
///
/// Per block, in one sweep over each chunk of rows: rebuild a few rows at a time from the stored
/// tables (`RuleRowBuilder`), compare them with the input rows, and measure what int8 row-wise
/// quantization and float16 would leave of the same rows (C kernels: AVX2, and F16C for float16,
/// picked at run time). Per-row figures go into the totals and into the two `RowDistribution`s;
/// then the block's rows are added to EᵀE (and Eᵀdiag(w)E), to the hashing trick's bucket sums,
/// and the sampled rows are copied out.
///
/// Nothing per row is kept unless the distributions hold their keys (4 bytes a row each, when
/// they fit); otherwise `runSecondPass` computes the keys again. Per-row work runs on fixed chunks
/// of rows merged in order, the distributions add rows in id order, and the Gram and bucket sums
/// have fixed owners, so every figure is the same bits for any thread count.
final class MeasurementPass {
  let tables: RuleTables
  /// Whether to measure int8 row-wise and float16 too.
  let measuresQuantization: Bool
  /// Every id's count, for the weighted figures.
  let weights: [Double]?
  let gram: GramAccumulator?
  let weightedGram: GramAccumulator?
  /// The hash baseline, complete once every range of its buckets is absorbed; one range per
  /// pass, the first in the main pass.
  private(set) var hashBaseline: HashBaseline?
  let hashRanges: [Range<Int>]
  private var hashSums: HashBucketSums?
  /// The first range's sums, made ahead (`EvaluationGroundwork`), if they were.
  private var firstHashSums: HashBucketSums?
  let sample: SampledRows?
  let relative: RowDistribution
  let cosine: RowDistribution

  /// Filled by `run`.
  private(set) var totals: MeasurementTotals

  /// Rows rebuilt and compared at a time: their rebuilt values stay in L1.
  static let groupRows = 32

  init(
    tables: RuleTables, measuresQuantization: Bool, weights: [Double]?, gram: GramAccumulator?,
    weightedGram: GramAccumulator?, hashBaseline: HashBaseline?, hashRanges: [Range<Int>],
    firstHashSums: HashBucketSums? = nil, sample: SampledRows?, holdsKeys: Bool
  ) {
    self.tables = tables
    self.measuresQuantization = measuresQuantization
    self.weights = weights
    self.gram = gram
    self.weightedGram = weightedGram
    self.hashBaseline = hashBaseline
    self.hashRanges = hashBaseline == nil ? [] : hashRanges
    if let firstHashSums, let hashBaseline, let first = self.hashRanges.first, firstHashSums.range == first,
      firstHashSums.buckets == hashBaseline.buckets, firstHashSums.dim == tables.rule.dim,
      firstHashSums.weighted == (weights != nil)
    {
      self.firstHashSums = firstHashSums
    }
    self.sample = sample
    let rows = tables.rule.rows
    relative = RowDistribution(weighted: weights != nil, holdsKeys: holdsKeys ? rows : nil)
    cosine = RowDistribution(weighted: weights != nil, holdsKeys: holdsKeys ? rows : nil)
    totals = MeasurementTotals(weighted: weights != nil)
  }

  /// Every pass the report needs: the main one, then — only when something did not fit — more,
  /// each for the distributions' second level and/or the next range of hash buckets. Then the
  /// percentiles are read off. `progress` gets the pass number and the rows done.
  func measureAll(
    _ source: any TableSource, threads: Int, maxBlockBytes: Int, progress: ((Int, Int) -> Void)?
  ) throws {
    let weighted = weights != nil
    hashSums = firstHashSums ?? hashRanges.first.map {
      HashBucketSums(
        buckets: hashBaseline!.buckets, dim: tables.rule.dim, range: $0, weighted: weighted, threads: threads)
    }
    firstHashSums = nil
    try run(source, threads: threads, maxBlockBytes: maxBlockBytes) { progress?(1, $0) }
    absorbHashSums(threads: threads)
    relative.planSecondLevel(plain: Self.relativePercentiles, weighted: Self.relativePercentiles)
    cosine.planSecondLevel(plain: Self.cosinePercentiles, weighted: Self.cosinePercentiles)
    var secondLevel = relative.needsSecondPass
    if !secondLevel { finishFromHeldKeys() }
    var nextRange = 1
    var passNumber = 1
    while secondLevel || nextRange < hashRanges.count {
      passNumber += 1
      let sums = nextRange < hashRanges.count
        ? HashBucketSums(
          buckets: hashBaseline!.buckets, dim: tables.rule.dim, range: hashRanges[nextRange], weighted: weighted,
          threads: threads)
        : nil
      let number = passNumber
      try runSecondPass(
        source, secondLevel: secondLevel, hashSums: sums, threads: threads, maxBlockBytes: maxBlockBytes
      ) { progress?(number, $0) }
      if let sums {
        hashSums = sums
        absorbHashSums(threads: threads)
        nextRange += 1
      }
      secondLevel = false
    }
    relative.resolve()
    cosine.resolve()
  }

  /// The percentiles the report gives: of the relative errors, and of the cosines.
  static let relativePercentiles: [Double] = [50, 90, 99]
  static let cosinePercentiles: [Double] = [1, 10, 50]

  private func absorbHashSums(threads: Int) {
    guard let sums = hashSums else { return }
    hashBaseline!.absorb(sums, rows: tables.rule.rows, threads: threads)
    hashSums = nil
  }

  /// The pass: totals, the distributions' first level (and keys when held), and every baseline's
  /// sums.
  func run(_ source: any TableSource, threads: Int, maxBlockBytes: Int, progress: ((Int) -> Void)?) throws {
    precondition(source.info.rows == tables.rule.rows && source.info.dim == tables.rule.dim)
    var totals = MeasurementTotals(weighted: weights != nil)
    try sweep(source, threads: threads, maxBlockBytes: maxBlockBytes, quantization: measuresQuantization) { block, keys, chunks in
      for chunk in chunks { totals.merge(chunk) }
      addFirstLevel(keys, block: block, threads: threads)
      gram?.add(block, threads: threads)
      weightedGram?.add(block, weights: weights, threads: threads)
      hashSums?.add(block, weights: weights, threads: threads)
      sample?.gather(block)
      progress?(block.rows.upperBound)
    }
    self.totals = totals
  }

  /// A later pass, for what did not fit the first: the distributions' second level (when their
  /// keys were not held) and/or another range of hash buckets.
  func runSecondPass(
    _ source: any TableSource, secondLevel: Bool, hashSums: HashBucketSums?, threads: Int, maxBlockBytes: Int,
    progress: ((Int) -> Void)?
  ) throws {
    if secondLevel {
      try sweep(source, threads: threads, maxBlockBytes: maxBlockBytes, quantization: false) { block, keys, _ in
        addSecondLevel(keys, block: block, threads: threads)
        hashSums?.add(block, weights: weights, threads: threads)
        progress?(block.rows.upperBound)
      }
    } else if let hashSums {
      try source.forEachBlock(maxBlockBytes: maxBlockBytes, readAhead: threads > 1) { block in
        hashSums.add(block, weights: weights, threads: threads)
        progress?(block.rows.upperBound)
      }
    }
  }

  /// Both distributions' second level from their held keys.
  func finishFromHeldKeys() {
    relative.finishFromHeldKeys(weights: weights)
    cosine.finishFromHeldKeys(weights: weights)
  }

  /// The block's keys: relative errors, then cosines, `rowCount` each.
  private struct Keys {
    var relative: UnsafeMutableBufferPointer<UInt32>
    var cosine: UnsafeMutableBufferPointer<UInt32>
  }

  private func addFirstLevel(_ keys: Keys, block: RowBlock, threads: Int) {
    eachDistribution(keys, block: block, threads: threads) { $0.add($1, weights: $2) }
  }

  private func addSecondLevel(_ keys: Keys, block: RowBlock, threads: Int) {
    eachDistribution(keys, block: block, threads: threads) { $0.addSecondLevel($1, weights: $2) }
  }

  /// `body` on each distribution with its keys and the block's weights; the two on their own
  /// threads (each adds its rows in id order).
  private func eachDistribution(
    _ keys: Keys, block: RowBlock, threads: Int,
    _ body: @escaping (RowDistribution, UnsafeBufferPointer<UInt32>, UnsafeBufferPointer<Double>?) -> Void
  ) {
    weights.withOptionalBuffer { weights in
      let blockWeights = weights.map { UnsafeBufferPointer(rebasing: $0[block.rows]) }
      let work = UncheckedSendable(
        [(relative, UnsafeBufferPointer(keys.relative)), (cosine, UnsafeBufferPointer(keys.cosine))])
      let shared = UncheckedSendable((body, blockWeights))
      if threads > 1 {
        DispatchQueue.concurrentPerform(iterations: 2) { index in
          let (distribution, keys) = work.value[index]
          shared.value.0(distribution, keys, shared.value.1)
        }
      } else {
        for (distribution, keys) in work.value { body(distribution, keys, blockWeights) }
      }
    }
  }

  /// Streams `source`, measuring each block's rows on fixed chunks in parallel, then hands the
  /// block, its keys and the chunks' totals (in order) to `body`. The key buffers are allocated
  /// once and reused, never cleared: every row writes its own.
  private func sweep(
    _ source: any TableSource, threads: Int, maxBlockBytes: Int, quantization: Bool,
    _ body: (RowBlock, Keys, [MeasurementTotals]) throws -> Void
  ) throws {
    let dim = tables.rule.dim
    let tables = self.tables
    let weighted = weights != nil
    var capacity = 0
    var keys = Keys(relative: .init(start: nil, count: 0), cosine: .init(start: nil, count: 0))
    defer {
      keys.relative.deallocate()
      keys.cosine.deallocate()
    }
    try weights.withOptionalBuffer { weights in
      try source.forEachBlock(maxBlockBytes: maxBlockBytes, readAhead: threads > 1) { block in
        if block.rowCount > capacity {
          keys.relative.deallocate()
          keys.cosine.deallocate()
          capacity = block.rowCount
          keys = Keys(relative: .allocate(capacity: capacity), cosine: .allocate(capacity: capacity))
        }
        let blockKeys = Keys(
          relative: UnsafeMutableBufferPointer(rebasing: keys.relative[0..<block.rowCount]),
          cosine: UnsafeMutableBufferPointer(rebasing: keys.cosine[0..<block.rowCount]))
        let shared = UncheckedSendable((block, blockKeys, weights))
        let chunks = ChunkedRows.map(rows: block.rows, threads: threads) { rows in
          let (block, keys, weights) = shared.value
          return Self.measure(
            rows, of: block, tables: tables, dim: dim, quantization: quantization, weighted: weighted,
            weights: weights, keys: keys)
        }
        try body(block, blockKeys, chunks)
      }
    }
  }

  /// One chunk of rows: a group of rows rebuilt at a time, compared and measured by the C
  /// kernels, then each row's figures added to the chunk's totals and its keys written.
  private static func measure(
    _ rows: Range<Int>, of block: RowBlock, tables: RuleTables, dim: Int, quantization: Bool, weighted: Bool,
    weights: UnsafeBufferPointer<Double>?, keys: Keys
  ) -> MeasurementTotals {
    let group = groupRows
    let builder = RuleRowBuilder(tables)
    let rebuilt = UnsafeMutablePointer<Float>.allocate(capacity: group * dim)
    let compared = UnsafeMutablePointer<Double>.allocate(capacity: group * 5)
    let int8 = UnsafeMutablePointer<Double>.allocate(capacity: group)
    let float16 = UnsafeMutablePointer<Double>.allocate(capacity: group)
    defer {
      rebuilt.deallocate()
      compared.deallocate()
      int8.deallocate()
      float16.deallocate()
    }
    var totals = MeasurementTotals(weighted: weighted)
    var start = rows.lowerBound
    while start < rows.upperBound {
      let count = min(group, rows.upperBound - start)
      builder.build(start..<(start + count), into: rebuilt)
      let input = block.values.baseAddress! + (start - block.firstRow) * dim
      ck_compare_rows(input, dim, rebuilt, dim, count, dim, compared)
      if quantization {
        ck_int8_error_rows(input, dim, count, dim, int8)
        ck_f16_error_rows(input, dim, count, dim, float16)
      }
      for k in 0..<count {
        let id = start + k
        let sums = compared + 5 * k
        let relative = Float(RowErrors.relative(errorSquared: sums[0], normSquared: sums[1]))
        let cosine = Float(RowErrors.cosine(dot: sums[3], normSquared: sums[1], reconstructionSquared: sums[2]))
        keys.relative[id - block.firstRow] = RowDistribution.key(relative)
        keys.cosine[id - block.firstRow] = RowDistribution.key(cosine)
        totals.add(
          id: id, errorSquared: sums[0], normSquared: sums[1], maxAbsolute: sums[4], relative: relative, cosine: cosine,
          int8: quantization ? int8[k] : 0, float16: quantization ? float16[k] : 0, weight: weights?[id] ?? 0)
      }
      start += count
    }
    return totals
  }
}
