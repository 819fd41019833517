/// The seeded sample of ids the neighbour check uses, reproducible from the row count and the
/// seed alone, chosen before the pass without holding anything per row.
///
/// Id i gets the key SplitMix64(seed)'s (i+1)-th output, `mix(seed + (i+1)·0x9E3779B97F4A7C15)`;
/// the sample is the `size` ids with the smallest keys (ties, never seen in practice, to the
/// smaller id), which is a uniform sample without replacement. Ordered by key, its first ids
/// are the queries.
///
///     let sample = NeighborSample(rows: 30522, size: 20_000, seed: 0)
///     sample.ids.count          // 20000, ascending
///     sample.byKey.prefix(1000) // the queries
public struct NeighborSample: Sendable, Equatable {
  /// The sampled ids, ascending: the order rows arrive in a pass.
  public let ids: [Int]
  /// The same ids by ascending key.
  public let byKey: [Int]

  public init(rows: Int, size: Int, seed: UInt64) {
    precondition(rows >= 0 && size >= 0)
    var chosen: [(key: UInt64, id: Int)]
    if rows <= size {
      chosen = (0..<rows).map { (Self.key(of: $0, seed: seed), $0) }
    } else {
      // A max-heap of the `size` smallest (key, id) seen so far. Ids arrive ascending, so a key
      // equal to the largest kept one loses (its id is larger).
      var heap = MaxHeap(capacity: size)
      for id in 0..<rows { heap.offer(key: Self.key(of: id, seed: seed), id: id) }
      chosen = heap.items
    }
    chosen.sort { $0.key != $1.key ? $0.key < $1.key : $0.id < $1.id }
    byKey = chosen.map(\.id)
    ids = byKey.sorted()
  }

  /// SplitMix64's output function on `seed + (id + 1)·γ`.
  @inlinable
  public static func key(of id: Int, seed: UInt64) -> UInt64 {
    var z = seed &+ UInt64(id + 1) &* 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  private struct MaxHeap {
    var items: [(key: UInt64, id: Int)] = []
    let capacity: Int

    init(capacity: Int) {
      self.capacity = capacity
      items.reserveCapacity(capacity)
    }

    private static func above(_ a: (key: UInt64, id: Int), _ b: (key: UInt64, id: Int)) -> Bool {
      a.key != b.key ? a.key > b.key : a.id > b.id
    }

    mutating func offer(key: UInt64, id: Int) {
      guard capacity > 0 else { return }
      if items.count < capacity {
        items.append((key, id))
        var child = items.count - 1
        while child > 0 {
          let parent = (child - 1) / 2
          guard Self.above(items[child], items[parent]) else { break }
          items.swapAt(child, parent)
          child = parent
        }
        return
      }
      guard key < items[0].key else { return }
      items[0] = (key, id)
      var parent = 0
      while true {
        let left = 2 * parent + 1, right = left + 1
        var largest = parent
        if left < items.count && Self.above(items[left], items[largest]) { largest = left }
        if right < items.count && Self.above(items[right], items[largest]) { largest = right }
        guard largest != parent else { return }
        items.swapAt(parent, largest)
        parent = largest
      }
    }
  }
}
