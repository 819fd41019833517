/// Measures compositional tables against the table they approximate, in one streamed pass.
///
///     let errors = try ReconstructionEvaluator.measure(source, against: tables.rounded(to: .f16))
///     ErrorMetrics(errors).relativeFrobenius
///
/// This is the error part of the report alone; `TableEvaluator` measures the baselines and
/// neighbours in the same pass.
public enum ReconstructionEvaluator {
  public static func measure(
    _ source: any TableSource, against tables: RuleTables, threads: Int = SystemResources.coreCount,
    maxBlockBytes: Int = BlockSizing.defaultMaxBytes, progress: ((Int) -> Void)? = nil
  ) throws -> RowErrors {
    let pass = MeasurementPass(tables: tables, measuresQuantization: false, gram: nil, hashSums: nil, sample: nil)
    try pass.run(source, threads: threads, maxBlockBytes: maxBlockBytes, progress: progress)
    return pass.rowErrors!
  }
}
