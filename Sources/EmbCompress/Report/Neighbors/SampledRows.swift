/// Copies the rows of a sorted set of ids out of the blocks of a pass, so the neighbour check
/// works on its sample without the table being held.
final class SampledRows {
  /// Ascending.
  let ids: [Int]
  let dim: Int
  /// `ids.count × dim`, row-major, filled as the pass goes.
  private(set) var values: [Float]
  private var next = 0

  init(ids: [Int], dim: Int) {
    self.ids = ids
    self.dim = dim
    values = [Float](repeating: 0, count: ids.count * dim)
  }

  /// Copies the sampled rows that lie in `block`. Blocks arrive in id order.
  func gather(_ block: RowBlock) {
    while next < ids.count && ids[next] < block.rows.upperBound {
      let row = block.row(ids[next])
      let start = next * dim
      for c in 0..<dim { values[start + c] = row[c] }
      next += 1
    }
  }
}
