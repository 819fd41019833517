import Foundation

/// Estimates a rule's error by fitting it to a sample of the table that keeps the rule's
/// structure: whole groups of the slowest partition (qr: runs of m ids sharing a quotient; gqr:
/// runs of m₁·…·m_{k−1}; hash: whole periods of m), or for crt, whose partitions never nest, one
/// contiguous window (a window starting anywhere relabels each partition's buckets, so it is the
/// same problem as ids 0…w−1).
///
/// The rule's moduli apply to the sample unchanged. The fit shares its faster tables among
/// fewer rows than on the whole table, so the estimate leans optimistic; the plan fits exactly
/// whatever it recommends.
///
/// With counts, the sample's rows keep their own weights: the fit is weighted by the floored
/// counts and the estimate is the weighted error by the counts as given, as the exact fit's.
/// Groups are drawn uniformly, not by weight, so a sample may miss the heaviest ids; that is
/// noise in the estimate, which the exact fit of the pick removes.
struct SampleScreen {
  let source: any TableSource
  /// The fit's weights (floored counts) and the counts as given, one per id; nil unweighted.
  let weights: [Double]?
  let counts: [Double]?
  /// Values a sample aims at (rows × dim).
  let sampleValues: Int
  let seed: UInt64
  /// Fit options for screening: fewer restarts and rounds than a conversion, since only the
  /// ranking matters here.
  let options: FitOptions

  /// The smallest number of groups a sample holds.
  static let minimumGroups = 8

  init(
    source: any TableSource, fit: FitOptions, weights: [Double]? = nil, counts: [Double]? = nil,
    sampleValues: Int = 1 << 21
  ) {
    self.source = source
    self.weights = weights
    self.counts = counts
    self.sampleValues = sampleValues
    seed = fit.seed
    var options = fit
    options.restarts = 2
    options.maxIterations = min(fit.maxIterations, 25)
    options.tolerance = max(fit.tolerance, 1e-4)
    self.options = options
  }

  /// The rows a sample for `rule` would hold; nil when that is not much smaller than the table
  /// (then the rule is fitted exactly instead).
  func sampleRows(for rule: CandidateRule) -> Int? {
    let (rows, dim) = (source.info.rows, source.info.dim)
    let want = max(1, sampleValues / dim)
    let group = Self.groupRows(rule)
    let size = rule.scheme == .crt ? max(want, 8 * (rule.moduli.max() ?? 1)) : max(Self.minimumGroups, want / group) * group
    return size * 2 <= rows ? size : nil
  }

  static func groupRows(_ rule: CandidateRule) -> Int {
    switch rule.scheme {
    case .qr, .hash: rule.moduli[0]
    case .gqr: rule.moduli.dropLast().reduce(1, *)
    case .crt: 1
    }
  }

  /// An estimate: the relative error and, with counts, the weighted one.
  struct Estimate {
    var relativeFrobenius: Double
    var weightedRelativeFrobenius: Double?
    /// The sample's rows and the seconds its fit and measurement took: what an exact fit's
    /// cost is predicted from (`PlanSearch.Search.predictedSeconds`).
    var rows: Int
    var seconds: Double
  }

  /// The estimated errors, from a fit of the sample; nil when no sample is worth taking, or
  /// (with counts) when the sample holds no weight or no counted id to measure by.
  func estimate(_ rule: CandidateRule) throws -> Estimate? {
    guard let size = sampleRows(for: rule) else { return nil }
    let (rows, dim) = (source.info.rows, source.info.dim)
    var values = [Float](repeating: 0, count: size * dim)
    // The sample's ids, in the order their rows are stored, for their weights.
    var ids: Range<Int>? = nil
    var groups: [Int] = []
    // Seeded by the rule's words, so every run draws the same sample for the same rule.
    var random = SplitMix64(seed: rule.argv.joined(separator: " ").utf8.reduce(seed ^ 0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 })
    if rule.scheme == .crt {
      let start = Int(random.next() % UInt64(rows - size + 1))
      try values.withUnsafeMutableBufferPointer { try source.readRows(start..<(start + size), into: $0) }
      ids = start..<(start + size)
    } else {
      // Whole groups, drawn without replacement from the full ones, read in id order.
      let group = Self.groupRows(rule)
      let full = rows / group
      let count = size / group
      var picked = Set<Int>()
      while picked.count < count { picked.insert(Int(random.next() % UInt64(full))) }
      groups = picked.sorted()
      try values.withUnsafeMutableBufferPointer { target in
        for (index, g) in groups.enumerated() {
          try source.readRows(
            (g * group)..<((g + 1) * group),
            into: UnsafeMutableBufferPointer(rebasing: target[(index * group * dim)..<((index + 1) * group * dim)]))
        }
      }
    }
    let group = Self.groupRows(rule)
    func sampled(_ perId: [Double]?) -> [Double]? {
      guard let perId else { return nil }
      if let ids { return Array(perId[ids]) }
      return groups.flatMap { perId[($0 * group)..<(($0 + 1) * group)] }
    }
    let (sampleWeights, sampleCounts) = (sampled(weights), sampled(counts))
    if let sampleWeights, !sampleWeights.contains(where: { $0 > 0 }) { return nil }
    if let sampleCounts, !sampleCounts.contains(where: { $0 > 0 }) { return nil }
    let started = Date()
    let sample = ArrayTableSource(rows: size, dim: dim, values: values, path: source.info.path)
    let fitted = try RuleFitter.fit(
      sample, rule: try rule.rule(rows: size, dim: dim), weights: sampleWeights, options: options)
    let errors = try ReconstructionEvaluator.measure(
      sample, against: fitted.tables, counts: sampleCounts, threads: options.threads)
    return Estimate(
      relativeFrobenius: errors.error.relativeFrobenius, weightedRelativeFrobenius: errors.weighted?.relativeFrobenius,
      rows: size, seconds: Date().timeIntervalSince(started))
  }
}
