/// Structure found in the ids: the periods at which rows repeat a component.
///
/// From a `LagProfile`, the peakiness D(L) = S(L) − (S(L−1) + S(L+1)) / 2 picks out lags where
/// rows are more alike than at the lags next to them — what a shared component at a fixed
/// distance produces, and what smooth structure (positions, time) does not. With σ a robust
/// noise level (1.4826 · the median absolute deviation of D) and τ = max(6σ, 0.02):
///
/// - the fast period P₁ is the smallest K ≥ 2 with D(K) > τ and D > τ/2 at three quarters of its
///   first multiples (up to 16): a crossed feature id = a·K + b gives P₁ = K;
/// - a slower period P₂ = m·P₁ is a multiple whose own multiples stand out among those of P₁ by
///   more than τ (nested levels, mixed radix): the smallest m within 80% of the best, so that
///   multiples of the true m do not win;
/// - `screened` lists the strongest combs (mean D over multiples, in units of its noise), which
///   the plan scores by fitting samples, in case the rule above misses.
struct PeriodicStructure: Sendable {
  /// P₁, then P₂ when there is one; empty when nothing periodic stands out.
  let periods: [Int]
  /// The transform the periods were seen in.
  let transform: LagProfile.Transform
  /// D(P₁) / σ: how far the peak stands above the noise.
  let strength: Double
  /// Further periods worth scoring, strongest first.
  let screened: [Int]

  static let largestPeriod = 65_536

  init(_ profile: LagProfile) {
    transform = profile.transform
    let s = profile.similarity
    let maxLag = profile.maxLag
    var d = [Double](repeating: 0, count: maxLag + 1)
    for lag in 2..<maxLag { d[lag] = s[lag] - (s[lag - 1] + s[lag + 1]) / 2 }
    d[maxLag] = s[maxLag] - s[maxLag - 1]
    let inner = Array(d[2...maxLag])
    let median = Self.median(inner)
    let sigma = max(1e-6, 1.4826 * Self.median(inner.map { abs($0 - median) }))
    let tau = max(6 * sigma, 0.02)
    let largest = min(Self.largestPeriod, maxLag)

    func multiples(_ k: Int, limit: Int = 16) -> [Int] {
      Array(stride(from: k, through: maxLag, by: k).prefix(limit))
    }
    var fast: Int?
    if largest >= 2 {
      for k in 2...largest where d[k] > tau {
        let lags = multiples(k)
        let hits = lags.filter { d[$0] > tau / 2 }.count
        if Double(hits) >= 0.75 * Double(lags.count) && (lags.count > 1 || d[k] > 2 * tau) {
          fast = k
          break
        }
      }
    }
    var periods: [Int] = []
    if let fast {
      periods.append(fast)
      let ones = multiples(fast, limit: Int.max)
      var scores: [(m: Int, score: Double)] = []
      // The mean of D over every multiple of P₁ against over those of m·P₁: Σ N/m work in all.
      let values = ones.map { d[$0] }
      let total = values.reduce(0, +)
      let spread = Self.standardDeviation(values)
      if values.count >= 3 {
        for m in 2...max(2, values.count - 1) where fast * m <= largest {
          let on = stride(from: m - 1, to: values.count, by: m).map { values[$0] }
          let offCount = values.count - on.count
          guard !on.isEmpty, offCount > 0 else { continue }
          let onSum = on.reduce(0, +)
          let offMean = (total - onSum) / Double(offCount)
          // A level must show at several of its multiples, each standing out of the spread of
          // the other peaks, not at one lucky lag.
          guard on.count >= 2 else { continue }
          let score = onSum / Double(on.count) - offMean
          guard score > 3 * spread / Double(on.count).squareRoot() else { continue }
          scores.append((m, score))
        }
      }
      if let best = scores.map(\.score).max(), best > tau,
        let m = scores.first(where: { $0.score >= 0.8 * best })?.m
      {
        periods.append(fast * m)
      }
    }
    self.periods = periods
    strength = fast.map { d[$0] / sigma } ?? 0
    var combs: [(k: Int, z: Double)] = []
    if largest >= 2 {
      for k in 2...largest {
        let lags = multiples(k)
        let mean = Self.mean(lags.map { d[$0] })
        // A comb must stand above τ on average, not just one lucky multiple in pure noise.
        guard mean > tau, lags.count >= 2 else { continue }
        combs.append((k, mean * Double(lags.count).squareRoot() / sigma))
      }
    }
    screened = combs.sorted { $0.z != $1.z ? $0.z > $1.z : $0.k < $1.k }.prefix(6).map(\.k)
  }

  /// The stronger of the transforms' findings: periods before none, then the higher peak.
  static func strongest(_ profiles: [LagProfile]) -> PeriodicStructure? {
    profiles.map(PeriodicStructure.init).max { a, b in
      (a.periods.isEmpty ? 0 : 1, a.strength) < (b.periods.isEmpty ? 0 : 1, b.strength)
    }
  }

  /// Every transform's screened periods, merged, strongest first, without repeats.
  static func screened(_ profiles: [LagProfile]) -> [Int] {
    var seen = Set<Int>()
    return profiles.map(PeriodicStructure.init).flatMap(\.screened).filter { seen.insert($0).inserted }
  }

  private static func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }

  private static func standardDeviation(_ values: [Double]) -> Double {
    let m = mean(values)
    return values.count > 1 ? (values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(values.count - 1)).squareRoot() : 0
  }

  private static func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
  }
}
