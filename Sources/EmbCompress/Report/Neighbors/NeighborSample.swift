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
    var chosen = Self.smallestKeys(rows: rows, size: size, seed: seed)
    chosen.sort { $0.key != $1.key ? $0.key < $1.key : $0.id < $1.id }
    byKey = chosen.prefix(size).map(\.id)
    ids = byKey.sorted()
  }

  /// At least the `size` ids with the smallest (key, id), and seldom many more: keys are uniform,
  /// so those under a bound a little above `size/rows` of the key range are about `size` ids,
  /// found in one linear scan without a heap. Should too few fall under it, the bound doubles.
  /// - Parameter fraction: of the key range, the first bound; by default five standard deviations
  ///   of the count under it above `size`.
  static func smallestKeys(rows: Int, size: Int, seed: UInt64, fraction first: Double? = nil) -> [(key: UInt64, id: Int)] {
    guard rows > size else { return (0..<rows).map { (key(of: $0, seed: seed), $0) } }
    guard size > 0 else { return [] }
    var fraction = first ?? (Double(size) + 5 * Double(size).squareRoot() + 16) / Double(rows)
    while true {
      let bound = fraction >= 1 ? UInt64.max : UInt64(Double(UInt64.max) * fraction)
      var kept: [(key: UInt64, id: Int)] = []
      kept.reserveCapacity(Int(Double(rows) * min(1, fraction)) + 1)
      for id in 0..<rows {
        let k = key(of: id, seed: seed)
        if k <= bound { kept.append((k, id)) }
      }
      if kept.count >= size || bound == UInt64.max { return kept }
      fraction *= 2
    }
  }

  /// SplitMix64's output function on `seed + (id + 1)·γ`.
  @inlinable
  public static func key(of id: Int, seed: UInt64) -> UInt64 {
    var z = seed &+ UInt64(id + 1) &* 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
