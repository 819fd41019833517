import Foundation
import Testing

@testable import EmbCompress

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

    let measured = try ReconstructionEvaluator.measure(
      source, against: RuleTables(tables), threads: threads, maxBlockBytes: 999 * dim * 4)
    var rebuilt = [Float](repeating: 0, count: dim)
    var totalError = 0.0, totalNorm = 0.0, maxAbs = 0.0
    var relative: [Float] = [], cosine: [Float] = [], norms: [Float] = []
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
      relative.append(Float(n == 0 ? 1 : (e / n).squareRoot()))
      cosine.append(Float(n == 0 ? 0 : d / (n * r).squareRoot()))
      norms.append(Float(n.squareRoot()))
    }
    let metrics = measured.error
    #expect(abs(metrics.relativeFrobenius - (totalError / totalNorm).squareRoot()) <= 1e-12)
    #expect(abs(metrics.mse - totalError / Double(rows * dim)) <= 1e-12)
    #expect(metrics.maxAbs == maxAbs)
    // The percentiles, selected from two levels of bins, are the sorted values' nearest ranks.
    let (sortedRelative, sortedCosine) = (relative.sorted(), cosine.sorted())
    for (have, p) in [(metrics.rowRelative.p50, 50.0), (metrics.rowRelative.p90, 90), (metrics.rowRelative.p99, 99)] {
      #expect(abs(have - ErrorMetrics.percentile(sortedRelative, p)) <= 1e-6, "p\(p)")
    }
    for (have, p) in [(metrics.cosine.p1, 1.0), (metrics.cosine.p10, 10), (metrics.cosine.p50, 50)] {
      #expect(abs(have - ErrorMetrics.percentile(sortedCosine, p)) <= 1e-6, "p\(p)")
    }
    #expect(abs(metrics.rowRelative.max - Double(sortedRelative.last!)) <= 1e-6)
    #expect(abs(metrics.cosine.min - Double(sortedCosine.first!)) <= 1e-6)
    #expect(abs(metrics.rowRelative.mean - relative.reduce(0.0) { $0 + Double($1) } / Double(rows)) <= 1e-9)
    #expect(abs(metrics.cosine.mean - cosine.reduce(0.0) { $0 + Double($1) } / Double(rows)) <= 1e-9)
    #expect(measured.histogram == ErrorHistogram(relative))
    let worst = WorstRow.largest(10, relative: relative, norm: norms)
    #expect(measured.worstRows.map(\.id) == worst.map(\.id))
    #expect(measured.weighted == nil)
    #expect(metrics.rowRelative.max >= metrics.rowRelative.p99)
    #expect(metrics.cosine.min <= metrics.cosine.p1)
  }

  @Test func figuresDoNotDependOnMemoryOrThreads() throws {
    // Under a tiny budget the keys are not held and a second pass selects the percentiles.
    let rows = 7000, dim = 9
    let layout = try CompositionalLayout(rows: rows, dim: dim, scheme: .qr, operation: .mult, sizing: .collisions(5))
    let weights: [[Float]] = layout.partitions.map { p in (0..<p.parameterCount).map { Float(cos(Double($0) * 0.7)) } }
    let tables = RuleTables(CompositionalTables(layout: layout, weights: weights))
    let values: [Float] = (0..<(rows * dim)).map { Float(sin(Double($0) * 0.013) + 0.1 * cos(Double($0 * $0 % 97))) }
    let source = ArrayTableSource(rows: rows, dim: dim, values: values)
    let counts = (0..<rows).map { Double(($0 * 7919) % 13) }
    let held = try ReconstructionEvaluator.measure(source, against: tables, counts: counts, threads: 2, maxBlockBytes: 1500 * dim * 4)
    let streamed = try ReconstructionEvaluator.measure(
      source, against: tables, counts: counts, threads: 1, maxBlockBytes: 1500 * dim * 4, memoryBudget: 0)
    #expect(TableEvaluator.holdsKeys(rows: rows, memoryBudget: 0) == false)
    #expect(held.error == streamed.error)
    #expect(held.weighted == streamed.weighted)
    #expect(held.histogram == streamed.histogram && held.worstRows == streamed.worstRows)
  }
}
