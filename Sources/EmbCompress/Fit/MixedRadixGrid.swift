/// Two partitions that lay the ids out as a grid, id = q·m + r: a fast one (divisor 1, modulus m)
/// gives the column r, a slow one (divisor m, modulus at least ceil(n/m)) the row q.
///
/// qr is one (`weight_q` slow, `weight_r` fast), and so is gqr with two moduli. The grid has
/// ceil(n/m) rows; the last is partial, `lastRowLength` < m cells, when m does not divide n.
struct MixedRadixGrid: Equatable {
  /// Indices into the layout's partitions.
  let fastIndex: Int
  let slowIndex: Int
  /// m, the grid's width.
  let columns: Int
  /// ceil(n / m).
  let gridRows: Int
  let lastRowLength: Int
  /// The slow table's rows; any past `gridRows` no id uses.
  let slowModulus: Int

  init?(_ layout: CompositionalLayout) {
    guard layout.partitions.count == 2 else { return nil }
    for (fast, slow) in [(0, 1), (1, 0)] {
      let f = layout.partitions[fast], s = layout.partitions[slow]
      let m = f.modulus
      guard f.divisor == 1, s.divisor == m, m >= 1 else { continue }
      let rows = (layout.rows + m - 1) / m
      guard s.modulus >= rows else { continue }
      fastIndex = fast
      slowIndex = slow
      columns = m
      gridRows = rows
      lastRowLength = layout.rows - (rows - 1) * m
      slowModulus = s.modulus
      return
    }
    return nil
  }

  var isFull: Bool { lastRowLength == columns }

  /// Grid rows whose every cell is a table row.
  var fullRows: Int { isFull ? gridRows : gridRows - 1 }

  /// The cells in grid row q.
  @inline(__always)
  func length(ofRow q: Int) -> Int { q == gridRows - 1 ? lastRowLength : columns }
}
