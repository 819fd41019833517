import EmbCompress
import Foundation

/// Compositional tables built by hand for the checkpoint tests, so they need no fitter.
enum QRTestTables {
  /// A layout of `scheme` and `operation` for a small table, sized so every scheme has at least
  /// two buckets per partition.
  static func layout(_ scheme: PartitionScheme, _ operation: CombineOperation, rows: Int = 23, dim: Int = 5) throws
    -> CompositionalLayout
  {
    switch scheme {
    case .hash: try CompositionalLayout(rows: rows, dim: dim, scheme: .hash, operation: operation, sizing: .collisions(7))
    case .qr: try CompositionalLayout(rows: rows, dim: dim, scheme: .qr, operation: operation, sizing: .collisions(4))
    case .gqr: try CompositionalLayout(rows: rows, dim: dim, scheme: .gqr, operation: operation, sizing: .moduli([3, 2, 4]))
    case .crt: try CompositionalLayout(rows: rows, dim: dim, scheme: .crt, operation: operation, sizing: .moduli([3, 4, 5]))
    }
  }

  /// Tables whose values vary in sign and magnitude (and include -0.0 and values f16 and bf16
  /// must round), deterministic in `seed`.
  static func tables(_ layout: CompositionalLayout, seed: Int = 1) -> CompositionalTables {
    CompositionalTables(
      layout: layout,
      weights: layout.partitions.enumerated().map { j, partition in
        (0..<partition.parameterCount).map { index in
          if index == 1 { return -0.0 }
          let x = Double(index * 7 + j * 13 + seed)
          return Float(sin(x) * 1.7 + cos(x * 0.37) * 0.3) + 1.0 / 3.0
        }
      })
  }

  /// The rule of docs/checkpoint-format.md written out again, independent of the library:
  /// each partition's row at `(id / divisor) % modulus`, combined left to right in float32.
  static func reference(_ tables: CompositionalTables, id: Int) -> [Float] {
    let layout = tables.layout
    let rows = zip(layout.partitions, tables.weights).map { partition, weights in
      let bucket = (id / partition.divisor) % partition.modulus
      return Array(weights[(bucket * partition.dim)..<((bucket + 1) * partition.dim)])
    }
    switch layout.operation {
    case .concat: return rows.flatMap { $0 }
    case .mult: return rows.dropFirst().reduce(rows[0]) { zip($0, $1).map { $0 * $1 } }
    case .add: return rows.dropFirst().reduce(rows[0]) { zip($0, $1).map { $0 + $1 } }
    }
  }

  /// Writes `checkpoint` to `name` in `directory` and returns the path.
  static func write(_ checkpoint: Checkpoint, to directory: TemporaryDirectory, as name: String = "t.qr") throws -> String {
    let path = directory.file(name)
    try Data(checkpoint.serialized()).write(to: URL(fileURLWithPath: path))
    return path
  }

  /// Every (scheme, operation, precision).
  static let allCombinations: [(PartitionScheme, CombineOperation, StoragePrecision)] =
    PartitionScheme.allCases.flatMap { scheme in
      CombineOperation.allCases.flatMap { operation in StoragePrecision.allCases.map { (scheme, operation, $0) } }
    }
}
