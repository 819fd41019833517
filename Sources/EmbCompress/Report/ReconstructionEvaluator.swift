/// Measures compositional tables against the table they approximate, in one streamed pass.
///
///     let errors = try ReconstructionEvaluator.measure(source, against: tables.rounded(to: .f16))
///     ErrorMetrics(errors).relativeFrobenius
public enum ReconstructionEvaluator {
  public static func measure(
    _ source: any TableSource, against tables: CompositionalTables, threads: Int = SystemResources.coreCount,
    maxBlockBytes: Int = BlockSizing.defaultMaxBytes, progress: ((Int) -> Void)? = nil
  ) throws -> RowErrors {
    let info = source.info
    precondition(info.rows == tables.layout.rows && info.dim == tables.layout.dim)
    let dim = info.dim
    var relative = [Float](repeating: 0, count: info.rows)
    var cosine = [Float](repeating: 0, count: info.rows)
    var norm = [Float](repeating: 0, count: info.rows)
    var squaredError = 0.0
    var squaredNorm = 0.0
    var maxAbsolute = 0.0
    try relative.withUnsafeMutableBufferPointer { relativeOut in
      try cosine.withUnsafeMutableBufferPointer { cosineOut in
        try norm.withUnsafeMutableBufferPointer { normOut in
          let outputs = UncheckedSendable((relativeOut, cosineOut, normOut))
          try source.forEachBlock(maxBlockBytes: maxBlockBytes) { block in
            let shared = UncheckedSendable(block)
            let partials = ChunkedRows.map(rows: block.rows, threads: threads) { rows in
              let block = shared.value
              let (relativeOut, cosineOut, normOut) = outputs.value
              var rebuilt = [Float](repeating: 0, count: dim)
              var totals = (error: 0.0, norm: 0.0, maxAbs: 0.0)
              rebuilt.withUnsafeMutableBufferPointer { rebuilt in
                for id in rows {
                  tables.embedding(of: id, into: rebuilt)
                  let sums = RowComparison(block.row(id), UnsafeBufferPointer(rebuilt))
                  relativeOut[id] = Float(RowErrors.relative(errorSquared: sums.errorSquared, normSquared: sums.normSquared))
                  cosineOut[id] = Float(
                    RowErrors.cosine(dot: sums.dot, normSquared: sums.normSquared, reconstructionSquared: sums.rebuiltSquared))
                  normOut[id] = Float(sums.normSquared.squareRoot())
                  totals.error += sums.errorSquared
                  totals.norm += sums.normSquared
                  totals.maxAbs = max(totals.maxAbs, sums.maxAbsolute)
                }
              }
              return totals
            }
            for partial in partials {
              squaredError += partial.error
              squaredNorm += partial.norm
              maxAbsolute = max(maxAbsolute, partial.maxAbs)
            }
            progress?(block.rows.upperBound)
          }
        }
      }
    }
    return RowErrors(
      relative: relative, cosine: cosine, norm: norm, squaredError: squaredError, squaredNorm: squaredNorm,
      maxAbsoluteError: maxAbsolute, valueCount: info.count)
  }
}
