/// The fitted compact tables: one `modulus × dim` row-major table per partition of `layout`.
///
///     var row = [Float](repeating: 0, count: tables.layout.dim)
///     row.withUnsafeMutableBufferPointer { tables.embedding(of: 42, into: $0) }
public struct CompositionalTables: Sendable, Equatable {
  public var layout: CompositionalLayout
  /// `weights[j]` is partition j's table, `modulus_j × dim_j`, row-major.
  public var weights: [[Float]]

  public init(layout: CompositionalLayout, weights: [[Float]]) {
    precondition(weights.count == layout.partitions.count)
    for (table, partition) in zip(weights, layout.partitions) {
      precondition(table.count == partition.parameterCount, "table \(partition.tensor) has the wrong size")
    }
    self.layout = layout
    self.weights = weights
  }

  /// Tables of zeros (ones for mult, whose identity is 1) in `layout`'s shape.
  public init(identityFor layout: CompositionalLayout) {
    let fill: Float = layout.operation == .mult ? 1 : 0
    self.init(layout: layout, weights: layout.partitions.map { [Float](repeating: fill, count: $0.parameterCount) })
  }

  /// Writes the embedding of `id` by the rule: each partition's row at `(id / divisor) % modulus`,
  /// combined by product, sum or concatenation in partition order.
  @inlinable
  public func embedding(of id: Int, into output: UnsafeMutableBufferPointer<Float>) {
    precondition(output.count == layout.dim)
    switch layout.operation {
    case .concat:
      var column = 0
      for (partition, table) in zip(layout.partitions, weights) {
        let start = partition.bucket(of: id) * partition.dim
        for c in 0..<partition.dim { output[column + c] = table[start + c] }
        column += partition.dim
      }
    case .mult, .add:
      let dim = layout.dim
      let first = layout.partitions[0].bucket(of: id) * dim
      weights[0].withUnsafeBufferPointer { table in
        for c in 0..<dim { output[c] = table[first + c] }
      }
      for j in 1..<layout.partitions.count {
        let start = layout.partitions[j].bucket(of: id) * dim
        weights[j].withUnsafeBufferPointer { table in
          if layout.operation == .mult {
            for c in 0..<dim { output[c] *= table[start + c] }
          } else {
            for c in 0..<dim { output[c] += table[start + c] }
          }
        }
      }
    }
  }

  /// Writes rows `range` of the rebuilt table, row-major, into `output`.
  public func embeddings(of range: Range<Int>, into output: UnsafeMutableBufferPointer<Float>) {
    let dim = layout.dim
    for (offset, id) in range.enumerated() {
      embedding(of: id, into: UnsafeMutableBufferPointer(rebasing: output[(offset * dim)..<((offset + 1) * dim)]))
    }
  }

  /// The same tables rounded to `precision`, as a reader of the stored checkpoint sees them.
  public func rounded(to precision: StoragePrecision) -> CompositionalTables {
    guard precision != .f32 else { return self }
    return CompositionalTables(layout: layout, weights: weights.map { $0.map(precision.round) })
  }
}
