/// How `TableEvaluator` measures: the sample's seed and sizes, and the resources it may use.
///
///     var options = EvaluationOptions()
///     options.seed = 7  // another neighbour sample
public struct EvaluationOptions: Sendable, Equatable {
  /// Seeds the neighbour sample (the CLI's `--seed`); the same seed gives the same sample.
  public var seed: UInt64
  /// Worker threads; every figure is the same for any count.
  public var threads: Int
  /// The largest block of rows read at a time.
  public var maxBlockBytes: Int
  /// Bytes the baselines may hold: EᵀE (2·d²·8 bytes with LAPACK's copy) must fit, or the
  /// truncated-SVD baseline is omitted, saying so.
  public var memoryBudget: Int
  /// Sampled rows for the neighbour check (the corpus), at most.
  public var corpusSize: Int
  /// Of those, the queries, at most.
  public var querySize: Int
  /// Neighbours per query.
  public var neighborCount: Int

  public init(
    seed: UInt64 = 0, threads: Int = SystemResources.coreCount, maxBlockBytes: Int = BlockSizing.defaultMaxBytes,
    memoryBudget: Int = SystemResources.physicalMemory / 4, corpusSize: Int = 20_000, querySize: Int = 1_000,
    neighborCount: Int = 10
  ) {
    self.seed = seed
    self.threads = threads
    self.maxBlockBytes = maxBlockBytes
    self.memoryBudget = memoryBudget
    self.corpusSize = corpusSize
    self.querySize = querySize
    self.neighborCount = neighborCount
  }
}
