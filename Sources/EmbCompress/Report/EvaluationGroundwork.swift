/// What the report's pass needs before it can start — the neighbour sample, and the first range of
/// hash-bucket sums allocated and zeroed — made on another thread while the fit runs.
///
/// Zeroing the bucket sums (twice the checkpoint's bytes, in Double) touches fresh memory, which
/// is dear on some machines; the fit leaves part of a core idle, and this fills it. The sums are
/// made ahead only when they take at most an eighth of `--memory`, since they are then held
/// while the fit holds its own; larger ones are made when the pass starts, as before.
///
///     let groundwork = EvaluationGroundwork(rule: rule, precision: .f32, weighted: false, options: options)
///     let fitted = try RuleFitter.fit(source, rule: rule, options: fit)
///     let evaluation = try TableEvaluator.evaluate(source, against: fitted.tables, precision: .f32,
///                                                  options: options, groundwork: groundwork)
public final class EvaluationGroundwork: @unchecked Sendable {
  let rows: Int
  let dim: Int
  let budget: Int
  let precision: StoragePrecision
  let weighted: Bool
  let options: EvaluationOptions
  private let made: BackgroundValue<(sample: NeighborSample, sums: HashBucketSums?)>

  public init(rule: TableRule, precision: StoragePrecision, weighted: Bool, options: EvaluationOptions) {
    let (rows, dim, budget) = (rule.rows, rule.dim, rule.tensorBytes(precision: precision))
    (self.rows, self.dim, self.budget) = (rows, dim, budget)
    (self.precision, self.weighted, self.options) = (precision, weighted, options)
    made = BackgroundValue {
      let sample = NeighborSample(rows: rows, size: options.corpusSize, seed: options.seed)
      let buckets = HashBaseline.largestBuckets(rows: rows, dim: dim, precision: precision, budget: budget)
      let first = buckets < 1
        ? nil
        : TableEvaluator.hashBucketRanges(buckets: buckets, dim: dim, weighted: weighted, memoryBudget: options.memoryBudget).first
      let perBucket = HashBucketSums.bytesPerBucket(dim: dim, weighted: weighted)
      let ahead = first.flatMap {
        $0.count.multipliedReportingOverflow(by: perBucket).partialValue <= options.memoryBudget / 8 ? $0 : nil
      }
      return (sample, ahead.map { HashBucketSums(buckets: buckets, dim: dim, range: $0, weighted: weighted) })
    }
  }

  /// The sample and first sums, when made for this evaluation; nil when anything differs. Handed
  /// over, not shared: the sums (twice the checkpoint's bytes) are freed as soon as the pass has
  /// absorbed them, so the neighbour check's buffers can reuse their pages. Call it once.
  func take(rows: Int, dim: Int, budget: Int, precision: StoragePrecision, weighted: Bool, options: EvaluationOptions)
    -> (sample: NeighborSample, sums: HashBucketSums?)?
  {
    guard (rows, dim, budget, weighted) == (self.rows, self.dim, self.budget, self.weighted),
      precision == self.precision, options == self.options
    else { return nil }
    return made.take()
  }
}
