import EmbCompress
import Foundation
import Testing

@Suite struct ErrorMetricsTests {
  @Test func nearestRankPercentiles() {
    let values: [Float] = (1...10).map(Float.init)
    #expect(ErrorMetrics.percentile(values, 50) == 5)
    #expect(ErrorMetrics.percentile(values, 90) == 9)
    #expect(ErrorMetrics.percentile(values, 99) == 10)
    #expect(ErrorMetrics.percentile(values, 1) == 1)
    #expect(ErrorMetrics.percentile([], 50) == 0)
  }

  @Test func zeroRowConventions() {
    #expect(RowErrors.relative(errorSquared: 0, normSquared: 0) == 0)
    #expect(RowErrors.relative(errorSquared: 4, normSquared: 0) == 1)
    #expect(RowErrors.relative(errorSquared: 4, normSquared: 16) == 0.5)
    #expect(RowErrors.cosine(dot: 0, normSquared: 0, reconstructionSquared: 0) == 1)
    #expect(RowErrors.cosine(dot: 0, normSquared: 2, reconstructionSquared: 0) == 0)
    #expect(RowErrors.cosine(dot: 0, normSquared: 0, reconstructionSquared: 2) == 0)
  }

  @Test(arguments: [1, 2])
  func measuresAgainstDirectComputation(threads: Int) throws {
    // 5000 rows so the pass spans several chunks and blocks.
    let rows = 5000, dim = 5
    let layout = try CompositionalLayout(rows: rows, dim: dim, scheme: .qr, operation: .add, sizing: .collisions(7))
    let weights: [[Float]] = layout.partitions.map { p in
      (0..<p.parameterCount).map { (k: Int) -> Float in Float(sin(Double(k) * 0.37 + Double(p.modulus))) }
    }
    let tables = CompositionalTables(layout: layout, weights: weights)
    var values: [Float] = (0..<(rows * dim)).map { (k: Int) -> Float in Float(cos(Double(k) * 0.11)) }
    for c in 0..<dim { values[42 * dim + c] = 0 }  // a zero row
    let source = ArrayTableSource(rows: rows, dim: dim, values: values)

    let errors = try ReconstructionEvaluator.measure(source, against: RuleTables(tables), threads: threads, maxBlockBytes: 999 * dim * 4)
    var rebuilt = [Float](repeating: 0, count: dim)
    var totalError = 0.0, totalNorm = 0.0, maxAbs = 0.0
    for id in 0..<rows {
      rebuilt.withUnsafeMutableBufferPointer { tables.embedding(of: id, into: $0) }
      var e = 0.0, n = 0.0, d = 0.0, r = 0.0
      for c in 0..<dim {
        let a = Double(values[id * dim + c]), b = Double(rebuilt[c])
        e += (a - b) * (a - b)
        n += a * a
        d += a * b
        r += b * b
        maxAbs = max(maxAbs, abs(a - b))
      }
      totalError += e
      totalNorm += n
      let expectedRelative = n == 0 ? 1 : (e / n).squareRoot()
      let expectedCosine = n == 0 ? 0 : d / (n * r).squareRoot()
      #expect(abs(Double(errors.relative[id]) - expectedRelative) <= 1e-6 * max(1, expectedRelative))
      #expect(abs(Double(errors.cosine[id]) - expectedCosine) <= 1e-6)
    }
    let metrics = ErrorMetrics(errors)
    #expect(abs(metrics.relativeFrobenius - (totalError / totalNorm).squareRoot()) <= 1e-12)
    #expect(abs(metrics.mse - totalError / Double(rows * dim)) <= 1e-12)
    #expect(metrics.maxAbs == maxAbs)
    #expect(metrics.rowRelative.max >= metrics.rowRelative.p99)
    #expect(metrics.cosine.min <= metrics.cosine.p1)
  }
}
