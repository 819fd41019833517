/// Exact nearest-rank percentiles of one per-row Float figure (relative error, cosine), plain and
/// weighted by lookups, in memory that does not grow with the rows.
///
/// A Float's bits map to a 32-bit key that orders like the value. The first level counts the rows
/// (and sums their weights) per high 16 bits of the key, as the pass goes; that is enough to know
/// which of the 2¹⁶ bins holds each asked percentile. The second level counts the low 16 bits of
/// the keys in those bins only — from the keys held during the pass when the rows' 4 bytes each
/// fit the report's share of `--memory`, or from a second pass that computes them again. Both
/// routes count the same keys, so the percentiles are the same bits either way; no sort, no
/// per-row state beyond the optional keys.
///
/// Nearest rank: the p-th percentile is the smallest value with at least p% of the rows (or of
/// the weight) at or below it. Sums of weights run in id order, so they are the same for any
/// thread count.
final class RowDistribution {
  static let binCount = 1 << 16

  let weighted: Bool
  /// Rows and weight per high 16 bits of the key.
  private var counts: [Int]
  private var weights: [Double]
  private(set) var rows = 0
  private(set) var totalWeight = 0.0
  /// Every row's key, in id order, when held.
  private var held: [UInt32]?

  /// What a percentile asks for and, after `planSecondLevel`, where it lies.
  private struct Target {
    var fraction: Double
    var weighted: Bool
    var bin = -1
    /// Rows still to count inside the bin (plain), or weight still to reach (weighted).
    var remainingRows = 0
    var remainingWeight = 0.0
    var value: Float = 0
  }

  private var targets: [Target] = []
  /// The distinct bins the targets lie in, and the second level's counts for each.
  private var secondBins: [Int] = []
  private var secondSlot: [Int8] = []
  private var secondCounts: [[Int]] = []
  private var secondWeights: [[Double]] = []

  init(weighted: Bool, holdsKeys rows: Int?) {
    self.weighted = weighted
    counts = [Int](repeating: 0, count: Self.binCount)
    weights = weighted ? [Double](repeating: 0, count: Self.binCount) : []
    if let rows {
      held = []
      held!.reserveCapacity(rows)
    }
  }

  /// Whether the second level needs a second pass.
  var needsSecondPass: Bool { held == nil }

  /// The order-preserving key of `x` (−0 as +0).
  @inlinable
  static func key(_ x: Float) -> UInt32 {
    let bits = x == 0 ? 0 : x.bitPattern
    return bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
  }

  static func value(of key: UInt32) -> Float {
    Float(bitPattern: key & 0x8000_0000 != 0 ? key & 0x7FFF_FFFF : ~key)
  }

  /// Adds the keys of consecutive rows, with their weights when weighted.
  func add(_ keys: UnsafeBufferPointer<UInt32>, weights rowWeights: UnsafeBufferPointer<Double>?) {
    counts.withUnsafeMutableBufferPointer { counts in
      if weighted, let rowWeights {
        weights.withUnsafeMutableBufferPointer { weights in
          var total = totalWeight
          for (i, key) in keys.enumerated() {
            let bin = Int(key >> 16)
            counts[bin] += 1
            weights[bin] += rowWeights[i]
            total += rowWeights[i]
          }
          totalWeight = total
        }
      } else {
        for key in keys { counts[Int(key >> 16)] += 1 }
      }
    }
    rows += keys.count
    held?.append(contentsOf: keys)
  }

  /// After the first level is complete: locates each percentile's bin. `plain` and `weighted`
  /// are percentiles in 0…100.
  func planSecondLevel(plain: [Double], weighted weightedPercentiles: [Double]) {
    targets = plain.map { Target(fraction: $0 / 100, weighted: false) }
    if weighted { targets += weightedPercentiles.map { Target(fraction: $0 / 100, weighted: true) } }
    for index in targets.indices {
      if targets[index].weighted {
        locateWeighted(&targets[index])
      } else {
        locatePlain(&targets[index])
      }
    }
    secondBins = Array(Set(targets.map(\.bin).filter { $0 >= 0 })).sorted()
    secondSlot = [Int8](repeating: -1, count: Self.binCount)
    for (slot, bin) in secondBins.enumerated() { secondSlot[bin] = Int8(slot) }
    secondCounts = secondBins.map { _ in [Int](repeating: 0, count: Self.binCount) }
    secondWeights = weighted ? secondBins.map { _ in [Double](repeating: 0, count: Self.binCount) } : []
  }

  private func locatePlain(_ target: inout Target) {
    guard rows > 0 else { return }
    let rank = min(rows, max(1, Int((target.fraction * Double(rows)).rounded(.up))))
    var before = 0
    for bin in 0..<Self.binCount where counts[bin] > 0 {
      if before + counts[bin] >= rank {
        target.bin = bin
        target.remainingRows = rank - before
        return
      }
      before += counts[bin]
    }
  }

  private func locateWeighted(_ target: inout Target) {
    guard totalWeight > 0 else { return }
    let goal = target.fraction * totalWeight
    var before = 0.0
    var lastPositive = -1
    for bin in 0..<Self.binCount where weights[bin] > 0 {
      lastPositive = bin
      if before + weights[bin] >= goal {
        target.bin = bin
        target.remainingWeight = goal - before
        return
      }
      before += weights[bin]
    }
    // Rounding left the goal a hair above the total: the largest value carrying weight.
    target.bin = lastPositive
    target.remainingWeight = .infinity
  }

  /// The second level from the keys of consecutive rows (a second pass, in id order).
  func addSecondLevel(_ keys: UnsafeBufferPointer<UInt32>, weights rowWeights: UnsafeBufferPointer<Double>?) {
    guard !secondBins.isEmpty else { return }
    secondSlot.withUnsafeBufferPointer { slots in
      for (i, key) in keys.enumerated() {
        let slot = Int(slots[Int(key >> 16)])
        guard slot >= 0 else { continue }
        let low = Int(key & 0xFFFF)
        secondCounts[slot][low] += 1
        if weighted, let rowWeights { secondWeights[slot][low] += rowWeights[i] }
      }
    }
  }

  /// The second level from the held keys; `weights` are the rows' weights, when weighted.
  func finishFromHeldKeys(weights rowWeights: [Double]?) {
    guard let held else { preconditionFailure("keys were not held") }
    held.withUnsafeBufferPointer { keys in
      if let rowWeights {
        rowWeights.withUnsafeBufferPointer { addSecondLevel(keys, weights: $0) }
      } else {
        addSecondLevel(keys, weights: nil)
      }
    }
    self.held = nil
  }

  /// Reads every target's value off the second level; call once it is complete.
  func resolve() {
    for index in targets.indices where targets[index].bin >= 0 {
      let bin = targets[index].bin
      let slot = Int(secondSlot[bin])
      var value: UInt32 = 0
      if targets[index].weighted {
        var sum = 0.0
        for low in 0..<Self.binCount where secondWeights[slot][low] > 0 {
          value = UInt32(low)
          sum += secondWeights[slot][low]
          if sum >= targets[index].remainingWeight { break }
        }
      } else {
        var seen = 0
        for low in 0..<Self.binCount where secondCounts[slot][low] > 0 {
          value = UInt32(low)
          seen += secondCounts[slot][low]
          if seen >= targets[index].remainingRows { break }
        }
      }
      targets[index].value = Self.value(of: UInt32(bin) << 16 | value)
    }
    secondCounts = []
    secondWeights = []
  }

  /// The p-th percentile, as planned (plain, or by weight).
  func percentile(_ p: Double, weighted byWeight: Bool = false) -> Double {
    guard let target = targets.first(where: { $0.fraction == p / 100 && $0.weighted == byWeight }) else {
      preconditionFailure("percentile \(p) was not planned")
    }
    return Double(target.value)
  }
}
