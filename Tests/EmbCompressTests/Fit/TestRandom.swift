import Foundation

/// A seeded generator for test tables (PCG32), deliberately not the fitter's SplitMix64.
struct TestRandom {
  private var state: UInt64
  private let increment: UInt64 = 1_442_695_040_888_963_407

  init(seed: UInt64) {
    state = seed &+ increment
    _ = next32()
  }

  mutating func next32() -> UInt32 {
    let old = state
    state = old &* 6_364_136_223_846_793_005 &+ increment
    let shifted = UInt32(truncatingIfNeeded: ((old >> 18) ^ old) >> 27)
    let rotation = UInt32(truncatingIfNeeded: old >> 59)
    return (shifted >> rotation) | (shifted << ((~rotation &+ 1) & 31))
  }

  /// Uniform in [0, 1).
  mutating func uniform() -> Double {
    Double((UInt64(next32()) << 21) ^ UInt64(next32() >> 11)) * 0x1p-53
  }

  /// Standard normal, by Box–Muller.
  mutating func normal() -> Double {
    let u = max(uniform(), 1e-300), v = uniform()
    return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
  }
}
