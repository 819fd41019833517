/// Measures compositional tables against the table they approximate, streamed.
///
///     let errors = try ReconstructionEvaluator.measure(source, against: tables.rounded(to: .f16))
///     errors.error.relativeFrobenius
///
/// This is the error part of the report alone; `TableEvaluator` measures the baselines and
/// neighbours in the same pass. It holds nothing per row beyond 8 bytes a row of keys, and those
/// only when they fit `memoryBudget`'s share (else it makes a second pass); the figures are the
/// same either way.
public enum ReconstructionEvaluator {
  public static func measure(
    _ source: any TableSource, against tables: RuleTables, counts: [Double]? = nil,
    threads: Int = SystemResources.coreCount, maxBlockBytes: Int = BlockSizing.defaultMaxBytes,
    memoryBudget: Int = SystemResources.physicalMemory / 4, progress: ((Int) -> Void)? = nil
  ) throws -> ErrorMeasurement {
    let rows = source.info.rows
    let pass = MeasurementPass(
      tables: tables, measuresQuantization: false, weights: counts, gram: nil, weightedGram: nil, hashBaseline: nil,
      hashRanges: [], sample: nil, holdsKeys: TableEvaluator.holdsKeys(rows: rows, memoryBudget: memoryBudget))
    try pass.measureAll(source, threads: threads, maxBlockBytes: maxBlockBytes) { _, done in progress?(done) }
    return ErrorMeasurement(pass, rows: rows, dim: source.info.dim)
  }
}
