import Foundation
import Testing

@testable import EmbCompress

/// A dense table held as Double for reference computations and as Float for the fitter.
struct TestTable {
  let rows: Int
  let dim: Int
  let values: [Float]

  var source: ArrayTableSource { ArrayTableSource(rows: rows, dim: dim, values: values) }

  func value(_ row: Int, _ column: Int) -> Double { Double(values[row * dim + column]) }

  var totalSquares: Double { values.reduce(0.0) { $0 + Double($1) * Double($1) } }

  static func gaussian(rows: Int, dim: Int, seed: UInt64, mean: Double = 0) -> TestTable {
    var random = TestRandom(seed: seed)
    return TestTable(rows: rows, dim: dim, values: (0..<(rows * dim)).map { _ in Float(mean + random.normal()) })
  }

  /// Rows built by `rule(id, column)`, plus Gaussian noise of standard deviation `noise`.
  static func structured(rows: Int, dim: Int, noise: Double, seed: UInt64, _ rule: (Int, Int) -> Double) -> TestTable {
    var random = TestRandom(seed: seed)
    var values = [Float](repeating: 0, count: rows * dim)
    for i in 0..<rows {
      for c in 0..<dim { values[i * dim + c] = Float(rule(i, c) + noise * random.normal()) }
    }
    return TestTable(rows: rows, dim: dim, values: values)
  }

  /// Σᵢ‖Eᵢ − Êᵢ‖² of fitted tables, rebuilt row by row through `CompositionalTables.embedding`.
  func squaredError(of tables: CompositionalTables) -> Double {
    var row = [Float](repeating: 0, count: dim)
    var total = 0.0
    for i in 0..<rows {
      row.withUnsafeMutableBufferPointer { tables.embedding(of: i, into: $0) }
      for c in 0..<dim {
        let difference = value(i, c) - Double(row[c])
        total += difference * difference
      }
    }
    return total
  }
}

/// Random per-bucket factor tables for structured tests.
func randomFactors(_ layout: CompositionalLayout, seed: UInt64, offset: Double = 0) -> [[Double]] {
  var random = TestRandom(seed: seed)
  return layout.partitions.map { partition in
    (0..<(partition.modulus * partition.dim)).map { _ in offset + random.normal() }
  }
}

func layout(
  rows: Int, dim: Int, _ scheme: PartitionScheme, _ operation: CombineOperation, _ sizing: Sizing? = nil
) throws -> CompositionalLayout {
  try CompositionalLayout(rows: rows, dim: dim, scheme: scheme, operation: operation, sizing: sizing)
}

/// Options for tests: seeded, both thread counts exercised elsewhere.
func testOptions(
  tolerance: Double = 1e-6, maxIterations: Int = 100, threads: Int = 2, memoryBudget: Int = 1 << 30,
  maxBlockBytes: Int = BlockSizing.defaultMaxBytes
) -> FitOptions {
  FitOptions(
    maxIterations: maxIterations, tolerance: tolerance, seed: 7, memoryBudget: memoryBudget, threads: threads,
    maxBlockBytes: maxBlockBytes)
}
