/// The tables of a sum of compositional terms while a fit works on them: per term, per partition,
/// `modulus × width` Doubles that column workers share (each writing its own columns).
final class TermTables: @unchecked Sendable {
  let layouts: [CompositionalLayout]
  /// `buffers[t][j]`: partition j of term t.
  let buffers: [[DoubleBuffer]]

  init(layouts: [CompositionalLayout]) {
    self.layouts = layouts
    buffers = layouts.map { layout in layout.partitions.map { DoubleBuffer(count: $0.parameterCount) } }
  }

  convenience init(_ tables: [CompositionalTables]) {
    self.init(layouts: tables.map(\.layout))
    for (t, term) in tables.enumerated() {
      for (j, table) in term.weights.enumerated() {
        let pointer = buffers[t][j].pointer
        for (index, value) in table.enumerated() { pointer[index] = Double(value) }
      }
    }
  }

  /// Copies column `c` of every table from `other` (same layouts; add and mult only, where
  /// every table is `width` wide and each column is its own problem).
  func takeColumn(_ c: Int, from other: TermTables) {
    for (t, layout) in layouts.enumerated() {
      let width = layout.dim
      for (j, partition) in layout.partitions.enumerated() {
        let (to, from) = (buffers[t][j].pointer, other.buffers[t][j].pointer)
        for b in 0..<partition.modulus { to[b * width + c] = from[b * width + c] }
      }
    }
  }

  /// The tables rounded to Float, the output's type.
  var tables: [CompositionalTables] {
    zip(layouts, buffers).map { layout, term in CompositionalTables(layout: layout, weights: term.map(\.floats)) }
  }
}
