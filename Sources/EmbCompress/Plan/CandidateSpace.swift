/// The rules the plan considers for a table: every scheme and operation at a ladder of sizes,
/// the sizes the user's budget asks for, and the moduli the ids' structure suggests.
///
/// This is where a new dimension of the family enters the search: add its values to the rules
/// made here (for example, each rule again with `terms: 2`), and the screen, the exact fits, the
/// frontier and the report take them as they are.
enum CandidateSpace {
  /// Compression ratios tried for every scheme and operation (against the input as stored).
  static let ladder: [Double] = [2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096]
  /// A coarser ladder for the slow fits (mult with three or more partitions, crt: CP by ALS).
  static let slowLadder: [Double] = [4, 16, 64, 256, 1024, 4096]

  static let operations: [CombineOperation] = [.mult, .add, .concat]

  /// The rules, in a fixed order (structure first, then by scheme and size), without repeats;
  /// only rules smaller than the input at float32 (`rows · dim · 4` bytes).
  static func rules(
    rows: Int, dim: Int, inputBytesPerValue: Int, structure: PeriodicStructure?, screenedPeriods: [Int],
    budgetRules: [CandidateRule]
  ) -> [CandidateRule] {
    var rules: [CandidateRule] = []
    func add(_ rule: CandidateRule) { rules.append(rule) }
    rules += structureRules(rows: rows, structure: structure, screenedPeriods: screenedPeriods)
    rules += budgetRules
    // The ladder: per ratio R, the moduli whose d-wide tables hold at most T = n·(input bytes per
    // value)/(4R) rows in all, found in closed form (`.ratio`'s exhaustive search is too slow to
    // run a hundred times). concat uses the same moduli, at about half the bytes. One-pass fits
    // (hash, add, concat) come first, then the grid fits of qr mult, then the CP fits, so a
    // time limit cuts the slowest.
    let inputRows = Double(rows * inputBytesPerValue) / 4
    let budgets = ladder.map { Int(inputRows / $0) }
    for t in budgets {
      if t >= 1 { add(CandidateRule(scheme: .hash, operation: .mult, moduli: [min(rows, t)])) }
      if let m = qrCollisions(rows: rows, rowBudget: t) {
        for operation in [CombineOperation.add, .concat] {
          add(CandidateRule(scheme: .qr, operation: operation, moduli: [m]))
          // The mirror: the same size with the large table on the other side.
          let mirrored = (rows + m - 1) / m
          if mirrored != m { add(CandidateRule(scheme: .qr, operation: operation, moduli: [mirrored])) }
        }
      }
      if let moduli = mixedRadix(rows: rows, count: 3, rowBudget: t) {
        for operation in [CombineOperation.add, .concat] { add(CandidateRule(scheme: .gqr, operation: operation, moduli: moduli)) }
      }
      if let moduli = coprime(rows: rows, count: 3, rowBudget: t) {
        for operation in [CombineOperation.add, .concat] { add(CandidateRule(scheme: .crt, operation: operation, moduli: moduli)) }
      }
    }
    // qr mult on the small side only: its mirror, with a few slow rows and a partial last one,
    // runs ALS sweeps to converge and is the same size.
    for t in budgets {
      if let m = qrCollisions(rows: rows, rowBudget: t) { add(CandidateRule(scheme: .qr, operation: .mult, moduli: [m])) }
    }
    for ratio in slowLadder {
      let t = Int(inputRows / ratio)
      if let moduli = mixedRadix(rows: rows, count: 3, rowBudget: t) { add(CandidateRule(scheme: .gqr, operation: .mult, moduli: moduli)) }
      if let moduli = coprime(rows: rows, count: 3, rowBudget: t) { add(CandidateRule(scheme: .crt, operation: .mult, moduli: moduli)) }
    }

    // A narrow projection with a few qr mult terms: tables with structure in their columns but
    // not their ids (positions) are spent best there; at each size up to 64×.
    for t in budgets.prefix(6) {
      for rank in projectionRanks(dim: dim) {
        let rowBudget = (t * dim - rank * dim) / (4 * rank)
        if let m = qrCollisions(rows: rows, rowBudget: rowBudget) {
          add(CandidateRule(scheme: .qr, operation: .mult, moduli: [m], terms: 4, projectionRank: rank))
        }
      }
    }

    var seen = Set<CandidateRule>()
    let limit = rows * dim * 4
    return rules.filter { rule in
      guard seen.insert(rule).inserted, let bytes = try? rule.bytes(rows: rows, dim: dim) else { return false }
      return bytes < limit
    }
  }

  /// The rules the ids' structure suggests: qr mult/add/concat and hash with m = P₁; with a
  /// nested P₂ also gqr mult/add/concat with moduli P₁, P₂/P₁, ⌈n/P₂⌉ and qr with m = P₂; qr
  /// mult and add at each screened period. Few, and tried whatever the time limit.
  static func structureRules(rows: Int, structure: PeriodicStructure?, screenedPeriods: [Int]) -> [CandidateRule] {
    var rules: [CandidateRule] = []
    func add(_ rule: CandidateRule) { rules.append(rule) }
    if let structure, let fast = structure.periods.first {
      for operation in operations { add(CandidateRule(scheme: .qr, operation: operation, moduli: [fast])) }
      add(CandidateRule(scheme: .hash, operation: .mult, moduli: [fast]))
      if structure.periods.count > 1 {
        let slow = structure.periods[1]
        let top = (rows + slow - 1) / slow
        for operation in operations {
          add(CandidateRule(scheme: .gqr, operation: operation, moduli: [fast, slow / fast, top]))
          add(CandidateRule(scheme: .qr, operation: operation, moduli: [slow]))
        }
      }
    }
    // The screened periods stand in for a structure the rule missed: only without one, and only
    // periods that show at two multiples or more (a single peak at a large lag is mostly noise).
    for period in structure == nil ? screenedPeriods : [] where 4 * period <= rows {
      for operation in [CombineOperation.mult, .add] { add(CandidateRule(scheme: .qr, operation: operation, moduli: [period])) }
    }
    return rules
  }

  /// The user's own size for every scheme and operation: the layouts `convert --ratio R` makes
  /// (the plan fits them all exactly, so its pick is never worse than any of them).
  static func budgetRules(rows: Int, dim: Int, inputBytesPerValue: Int, ratio: Double) -> [CandidateRule] {
    var rules: [CandidateRule] = []
    for (scheme, operations) in [(PartitionScheme.hash, [CombineOperation.mult]), (.qr, operations), (.gqr, operations), (.crt, operations)] {
      for operation in operations {
        guard
          let layout = try? CompositionalLayout(
            rows: rows, dim: dim, scheme: scheme, operation: operation, sizing: .ratio(ratio),
            inputBytesPerValue: inputBytesPerValue, storedBytesPerValue: 4)
        else { continue }
        // Only tables smaller than the input at float32 count.
        if layout.parameterCount < rows * dim { rules.append(CandidateRule(layout: layout)) }
      }
    }
    // qr mult with more terms, and with a projection, at the same bytes (`--ratio` counts them all).
    var family: [(terms: Int, rank: Int?)] = [(2, nil), (4, nil)]
    for rank in projectionRanks(dim: dim) { family += [(1, rank), (4, rank), (8, rank)] }
    for (terms, rank) in family {
      guard
        let rule = try? TableRule(
          rows: rows, dim: dim, scheme: .qr, operation: .mult, sizing: .ratio(ratio), terms: terms,
          projectionRank: rank, inputBytesPerValue: inputBytesPerValue),
        rule.tensorBytes(precision: .f32) < rows * dim * 4
      else { continue }
      rules.append(CandidateRule(rule: rule))
    }
    return rules
  }

  /// Projection widths worth trying: about d/8, d/6 and d/4 (the MiniLM position table at 4× fits
  /// best at K = d/6 with 8 terms, docs/fits.md), none below 2 or at d.
  static func projectionRanks(dim: Int) -> [Int] {
    Array(Set([dim / 8, dim / 6, dim / 4].filter { $0 >= 2 && $0 < dim })).sorted()
  }

  /// The smallest m with ceil(n/m) + m ≤ t: the qr table of the most rows within t (its mirror,
  /// ceil(n/m) collisions, has the same size).
  static func qrCollisions(rows n: Int, rowBudget t: Int) -> Int? {
    let discriminant = Double(t) * Double(t) - 4 * Double(n)
    guard discriminant >= 0 else { return nil }
    var m = max(1, Int(((Double(t) - discriminant.squareRoot()) / 2).rounded(.down)))
    while m <= n && m + (n + m - 1) / m > t { m += 1 }
    guard m <= n, m + (n + m - 1) / m <= t else { return nil }
    return m
  }

  /// gqr moduli [x, …, x, ceil(n / x^(k−1))] with the smallest x ≥ 2 whose rows sum to at most t.
  static func mixedRadix(rows n: Int, count k: Int, rowBudget t: Int) -> [Int]? {
    var x = 2
    while true {
      let power = CompositionalLayout.power(x, k - 1)
      let top = (n + power - 1) / power
      if top < x { return nil }
      if (k - 1) * x + top <= t { return [Int](repeating: x, count: k - 1) + [top] }
      x += 1
    }
  }

  /// k pairwise coprime moduli from the largest start whose rows sum to at most t.
  static func coprime(rows n: Int, count k: Int, rowBudget t: Int) -> [Int]? {
    let smallest = CompositionalLayout.coprimeModuli(rows: n, count: k, from: CompositionalLayout.root(n, k))
    guard smallest.reduce(0, +) <= t else { return nil }
    var start = max(smallest[0], t / k - k)
    while start > smallest[0] {
      let moduli = CompositionalLayout.coprimeModuli(rows: n, count: k, from: start)
      if moduli.reduce(0, +) <= t { return moduli }
      start = max(smallest[0], start - max(1, start / 100))
    }
    return smallest
  }
}
