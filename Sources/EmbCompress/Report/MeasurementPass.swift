/// The report's one streamed pass over the input: every row against the stored tables, and in
/// the same read what the baselines and the neighbour check need.
///
/// Per block it measures each row against its reconstruction (`RowErrors`), the squared error
/// int8 row-wise quantization and float16 would leave, adds the rows to EᵀE (truncated SVD) and
/// to the hashing trick's bucket sums, and copies out the sampled rows. Per-row work runs on
/// fixed chunks of rows merged in order, and the Gram and bucket sums have fixed owners, so
/// every figure is the same bits for any thread count.
final class MeasurementPass {
  let tables: RuleTables
  /// Whether to measure int8 row-wise and float16 too.
  let measuresQuantization: Bool
  let gram: GramAccumulator?
  let hashSums: HashBucketSums?
  let sample: SampledRows?

  /// Filled by `run`.
  private(set) var rowErrors: RowErrors?
  private(set) var int8SquaredError = 0.0
  private(set) var float16SquaredError = 0.0

  init(
    tables: RuleTables, measuresQuantization: Bool, gram: GramAccumulator?, hashSums: HashBucketSums?,
    sample: SampledRows?
  ) {
    self.tables = tables
    self.measuresQuantization = measuresQuantization
    self.gram = gram
    self.hashSums = hashSums
    self.sample = sample
  }

  private struct ChunkTotals {
    var error = 0.0, norm = 0.0, maxAbs = 0.0, int8 = 0.0, float16 = 0.0
  }

  func run(_ source: any TableSource, threads: Int, maxBlockBytes: Int, progress: ((Int) -> Void)?) throws {
    let info = source.info
    precondition(info.rows == tables.rule.rows && info.dim == tables.rule.dim)
    let dim = info.dim
    let tables = self.tables
    let quantization = measuresQuantization
    var relative = [Float](repeating: 0, count: info.rows)
    var cosine = [Float](repeating: 0, count: info.rows)
    var norm = [Float](repeating: 0, count: info.rows)
    var totals = ChunkTotals()
    try relative.withUnsafeMutableBufferPointer { relativeOut in
      try cosine.withUnsafeMutableBufferPointer { cosineOut in
        try norm.withUnsafeMutableBufferPointer { normOut in
          let outputs = UncheckedSendable((relativeOut, cosineOut, normOut))
          try source.forEachBlock(maxBlockBytes: maxBlockBytes, readAhead: threads > 1) { block in
            let shared = UncheckedSendable(block)
            let partials = ChunkedRows.map(rows: block.rows, threads: threads) { rows in
              let block = shared.value
              let (relativeOut, cosineOut, normOut) = outputs.value
              var rebuilt = [Float](repeating: 0, count: dim)
              let builder = RuleRowBuilder(tables)
              var sums = ChunkTotals()
              rebuilt.withUnsafeMutableBufferPointer { rebuilt in
                for id in rows {
                  let row = block.row(id)
                  builder.build(id, into: rebuilt)
                  let comparison = RowComparison(row, UnsafeBufferPointer(rebuilt))
                  relativeOut[id] = Float(
                    RowErrors.relative(errorSquared: comparison.errorSquared, normSquared: comparison.normSquared))
                  cosineOut[id] = Float(
                    RowErrors.cosine(
                      dot: comparison.dot, normSquared: comparison.normSquared,
                      reconstructionSquared: comparison.rebuiltSquared))
                  normOut[id] = Float(comparison.normSquared.squareRoot())
                  sums.error += comparison.errorSquared
                  sums.norm += comparison.normSquared
                  sums.maxAbs = max(sums.maxAbs, comparison.maxAbsolute)
                  if quantization {
                    sums.int8 += Int8RowwiseQuantization.squaredError(row)
                    sums.float16 += Float16Rounding.squaredError(row)
                  }
                }
              }
              return sums
            }
            for partial in partials {
              totals.error += partial.error
              totals.norm += partial.norm
              totals.maxAbs = max(totals.maxAbs, partial.maxAbs)
              totals.int8 += partial.int8
              totals.float16 += partial.float16
            }
            gram?.add(block, threads: threads)
            hashSums?.add(block, threads: threads)
            sample?.gather(block)
            progress?(block.rows.upperBound)
          }
        }
      }
    }
    rowErrors = RowErrors(
      relative: relative, cosine: cosine, norm: norm, squaredError: totals.error, squaredNorm: totals.norm,
      maxAbsoluteError: totals.maxAbs, valueCount: info.count)
    int8SquaredError = totals.int8
    float16SquaredError = totals.float16
  }
}
