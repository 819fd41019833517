/// Identical rows' exact ties across tiles: every row takes the cosine of the first row
/// identical to it, which lies in its own tile or an earlier one. Each tile first keeps the
/// cosines of its rows that others copy, then gives its copies theirs.
struct TwinTies {
  /// Rows that others copy (the first of each group of identical rows): their group.
  private var sources: [[(row: Int, group: Int)]] = []
  /// Rows that copy one: the group whose cosine they take.
  private var copies: [[(row: Int, group: Int)]] = []
  private(set) var groups = 0

  init(twin: [Int]?, count: Int, tile: Int) {
    guard let twin else { return }
    let tiles = (count + tile - 1) / tile
    sources = Array(repeating: [], count: tiles)
    copies = Array(repeating: [], count: tiles)
    var group = [Int: Int]()
    for row in 0..<count where twin[row] != row {
      let first = twin[row]
      let index: Int
      if let known = group[first] {
        index = known
      } else {
        index = groups
        group[first] = index
        groups += 1
        sources[first / tile].append((first, index))
      }
      copies[row / tile].append((row, index))
    }
  }

  /// Applies the ties to one tile's cosines (`rows × width`, corpus rows first …).
  func apply(
    tile: Int, first: Int, rows: Int, cosines: UnsafeMutablePointer<Float>, width: Int,
    kept: UnsafeMutablePointer<Float>
  ) {
    guard groups > 0 else { return }
    for row in 0..<rows {
      let values = cosines + row * width
      let keptRow = kept + row * groups
      for source in sources[tile] { keptRow[source.group] = values[source.row - first] }
      for copy in copies[tile] { values[copy.row - first] = keptRow[copy.group] }
    }
  }
}
