/// The rows with the largest relative error seen so far, largest first, ties to the smaller id:
/// kept per chunk of rows and merged, so the list never holds more than `capacity` rows and is
/// the same whatever order the chunks are merged in (the order is total).
struct WorstRowList {
  let capacity: Int
  private(set) var rows: [(error: Float, id: Int, norm: Float)] = []

  init(capacity: Int) {
    self.capacity = capacity
    rows.reserveCapacity(capacity + 1)
  }

  private static func before(_ a: (error: Float, id: Int, norm: Float), _ b: (error: Float, id: Int, norm: Float)) -> Bool {
    a.error != b.error ? a.error > b.error : a.id < b.id
  }

  mutating func offer(error: Float, id: Int, norm: Float) {
    guard capacity > 0 else { return }
    // The common case, in one comparison: not worse than the last kept row of a full list.
    if rows.count == capacity, !Self.before((error, id, norm), rows[capacity - 1]) { return }
    var slot = rows.count
    while slot > 0 && Self.before((error, id, norm), rows[slot - 1]) { slot -= 1 }
    rows.insert((error, id, norm), at: slot)
    if rows.count > capacity { rows.removeLast() }
  }

  mutating func merge(_ other: WorstRowList) {
    for row in other.rows { offer(error: row.error, id: row.id, norm: row.norm) }
  }

  var worstRows: [WorstRow] {
    rows.map { WorstRow(id: $0.id, relativeError: Double($0.error), norm: Double($0.norm)) }
  }
}
