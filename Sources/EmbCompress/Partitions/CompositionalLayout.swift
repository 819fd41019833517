import Foundation

/// The shape of a compositional table: which partitions, how they combine, how wide each is.
///
/// It is everything the checkpoint's rule needs; the fitted values live in `CompositionalTables`.
///
///     let layout = try CompositionalLayout(rows: 30522, dim: 384, scheme: .qr, operation: .mult,
///                                          sizing: .collisions(4))
///     layout.partitions.map(\.tensor)  // ["weight_q", "weight_r"]
public struct CompositionalLayout: Sendable, Equatable {
  public var rows: Int
  public var dim: Int
  public var scheme: PartitionScheme
  public var operation: CombineOperation
  /// In combination order (for concat, the order of the column blocks).
  public var partitions: [Partition]

  public init(rows: Int, dim: Int, scheme: PartitionScheme, operation: CombineOperation, partitions: [Partition]) {
    self.rows = rows
    self.dim = dim
    self.scheme = scheme
    self.operation = operation
    self.partitions = partitions
  }

  /// Builds and checks the layout for `sizing`; a size that cannot work is `.invalidArguments`
  /// saying why.
  ///
  /// - Parameters:
  ///   - concatDims: for concat, the width of each partition in order; nil splits `dim` evenly.
  ///   - inputBytesPerValue, storedBytesPerValue: the sizes `.ratio` compares.
  ///   - ratioOf: for `.ratio`, the compression a candidate layout gives, when it is one term of
  ///     a larger rule (`TableRule` counts every byte it stores); nil compares this layout's tables
  ///     with the input.
  public init(
    rows: Int, dim: Int, scheme: PartitionScheme, operation: CombineOperation, sizing: Sizing? = nil,
    concatDims: [Int]? = nil, inputBytesPerValue: Int = 4, storedBytesPerValue: Int = 4,
    ratioOf: ((CompositionalLayout) -> Double)? = nil
  ) throws {
    precondition(rows > 0 && dim > 0)
    let sizing = sizing ?? Sizing.defaultSizing(for: scheme)
    let moduli: [Int]
    switch (scheme, sizing) {
    case (.hash, .collisions(let m)), (.qr, .collisions(let m)):
      try Self.check(collisions: m, rows: rows)
      moduli = scheme == .hash ? [m] : [Self.ceilDiv(rows, m), m]
    case (.gqr, .moduli(let given)), (.crt, .moduli(let given)):
      try Self.check(moduli: given, rows: rows, coprime: scheme == .crt)
      moduli = given
    case (.gqr, .partitions(let k)), (.crt, .partitions(let k)):
      guard k >= 2 else { throw Self.invalid("--partitions must be at least 2, not \(k)") }
      moduli = scheme == .gqr ? Self.mixedRadixModuli(rows: rows, count: k) : Self.coprimeModuli(rows: rows, count: k, from: Self.root(rows, k))
    case (_, .ratio(let target)):
      guard target > 0, target.isFinite else { throw Self.invalid("--ratio must be a positive number") }
      let ratioOf = ratioOf ?? { Double(rows * dim * inputBytesPerValue) / Double($0.parameterCount * storedBytesPerValue) }
      let ratio = { (moduli: [Int]) -> Double in
        let widths = try Self.widths(dim: dim, count: moduli.count, operation: operation, concatDims: concatDims)
        return ratioOf(
          CompositionalLayout(
            rows: rows, dim: dim, scheme: scheme, operation: operation,
            partitions: Self.partitions(scheme: scheme, moduli: moduli, widths: widths)))
      }
      moduli = try Self.moduli(forRatio: target, scheme: scheme, rows: rows, concatCount: concatDims?.count, measure: ratio)
    case (.hash, _), (.qr, _):
      throw Self.invalid("--\(scheme.rawValue == "qr" ? "scheme qr" : "scheme hash") is sized by --collisions or --ratio, not --moduli or --partitions")
    case (.gqr, _), (.crt, _):
      throw Self.invalid("--scheme \(scheme.rawValue) is sized by --moduli, --partitions or --ratio, not --collisions")
    }
    let widths = try Self.widths(dim: dim, count: moduli.count, operation: operation, concatDims: concatDims)
    self.init(
      rows: rows, dim: dim, scheme: scheme, operation: operation,
      partitions: Self.partitions(scheme: scheme, moduli: moduli, widths: widths))
  }

  /// The scheme's partitions for `moduli`, with their tensor names and divisors.
  static func partitions(scheme: PartitionScheme, moduli: [Int], widths: [Int]) -> [Partition] {
    var partitions: [Partition] = []
    var divisor = 1
    for (index, (modulus, width)) in zip(moduli, widths).enumerated() {
      switch scheme {
      case .hash, .crt:
        partitions.append(Partition(tensor: "weight_\(index)", divisor: 1, modulus: modulus, dim: width))
      case .qr:
        // DLRM's order: the quotient table first, then the remainder table.
        let m = moduli[1]
        partitions.append(
          index == 0
            ? Partition(tensor: "weight_q", divisor: m, modulus: modulus, dim: width)
            : Partition(tensor: "weight_r", divisor: 1, modulus: modulus, dim: width))
      case .gqr:
        partitions.append(Partition(tensor: "weight_\(index)", divisor: divisor, modulus: modulus, dim: width))
        divisor = divisor.multipliedReportingOverflow(by: modulus).overflow ? Int.max : divisor * modulus
      }
    }
    return partitions
  }

  /// The values all the compact tables hold together.
  public var parameterCount: Int { partitions.reduce(0) { $0 + $1.parameterCount } }


  /// The bucket of `id` in each partition, in partition order.
  @inlinable
  public func buckets(of id: Int) -> [Int] { partitions.map { $0.bucket(of: id) } }

  // MARK: - Checks and choices

  static func invalid(_ detail: String) -> EmbCompressError { .invalidArguments(detail: detail) }

  static func ceilDiv(_ a: Int, _ b: Int) -> Int { (a + b - 1) / b }

  static func check(collisions m: Int, rows: Int) throws {
    guard m >= 1 else { throw invalid("--collisions must be at least 1, not \(m)") }
    guard m <= rows else { throw invalid("--collisions \(m) is more than the table's \(rows) rows") }
  }

  static func check(moduli: [Int], rows: Int, coprime: Bool) throws {
    guard moduli.count >= 2 else { throw invalid("--moduli needs at least 2 values, got \(moduli.count)") }
    if let bad = moduli.first(where: { $0 < 1 }) { throw invalid("--moduli must all be at least 1, not \(bad)") }
    let product = saturatingProduct(moduli)
    guard product >= rows else {
      let shown = moduli.map(String.init).joined(separator: "·")
      throw invalid("--moduli \(shown) = \(product) is less than the \(rows) rows, so some ids would share every bucket")
    }
    guard coprime else { return }
    for i in 0..<moduli.count {
      for j in (i + 1)..<moduli.count where gcd(moduli[i], moduli[j]) != 1 {
        throw invalid("--moduli \(moduli[i]) and \(moduli[j]) share the factor \(gcd(moduli[i], moduli[j])); crt needs pairwise coprime moduli")
      }
    }
  }

  /// The product, or Int.max when it overflows (which covers any table).
  static func saturatingProduct(_ values: [Int]) -> Int {
    var product = 1
    for value in values {
      let (next, overflow) = product.multipliedReportingOverflow(by: value)
      if overflow { return Int.max }
      product = next
    }
    return product
  }

  static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }

  /// The smallest integer r with r^k ≥ n.
  static func root(_ n: Int, _ k: Int) -> Int {
    var r = max(1, Int(pow(Double(n), 1 / Double(k))))
    while power(r, k) < n { r += 1 }
    while r > 1 && power(r - 1, k) >= n { r -= 1 }
    return r
  }

  static func power(_ base: Int, _ exponent: Int) -> Int {
    var result = 1
    for _ in 0..<exponent {
      let (next, overflow) = result.multipliedReportingOverflow(by: base)
      if overflow { return Int.max }
      result = next
    }
    return result
  }

  /// k moduli near n^(1/k) whose product just covers n: the floor of the root each, then
  /// raised one at a time, first partitions first, until they cover n.
  static func mixedRadixModuli(rows: Int, count k: Int) -> [Int] {
    let floorRoot = max(1, root(rows, k) - (power(root(rows, k), k) > rows ? 1 : 0))
    var moduli = [Int](repeating: floorRoot, count: k)
    var next = 0
    while saturatingProduct(moduli) < rows {
      moduli[next % k] += 1
      next += 1
    }
    return moduli
  }

  /// k pairwise coprime moduli, the smallest ones from `start` up, grown until they cover n.
  static func coprimeModuli(rows: Int, count k: Int, from start: Int) -> [Int] {
    var base = max(1, start)
    while true {
      var chosen: [Int] = []
      var candidate = base
      while chosen.count < k {
        if chosen.allSatisfy({ gcd($0, candidate) == 1 }) { chosen.append(candidate) }
        candidate += 1
      }
      if saturatingProduct(chosen) >= rows { return chosen }
      base += 1
    }
  }

  /// The widths of `count` partitions: `dim` each, except for concat, where they split `dim`.
  static func widths(dim: Int, count: Int, operation: CombineOperation, concatDims: [Int]?) throws -> [Int] {
    guard operation == .concat else {
      if concatDims != nil { throw invalid("--concat-dims only applies to --operation concat") }
      return [Int](repeating: dim, count: count)
    }
    if let concatDims {
      guard concatDims.count == count else {
        throw invalid("--concat-dims has \(concatDims.count) widths for \(count) partitions")
      }
      guard concatDims.allSatisfy({ $0 >= 1 }) else { throw invalid("--concat-dims must all be at least 1") }
      guard concatDims.reduce(0, +) == dim else {
        throw invalid("--concat-dims sum to \(concatDims.reduce(0, +)), not the table's dim \(dim)")
      }
      return concatDims
    }
    guard dim >= count else { throw invalid("concat needs at least one column per partition: dim \(dim) < \(count) partitions") }
    return (0..<count).map { dim / count + ($0 < dim % count ? 1 : 0) }
  }

  /// The moduli whose ratio is the smallest not under `target`.
  static func moduli(
    forRatio target: Double, scheme: PartitionScheme, rows: Int, concatCount: Int?,
    measure: ([Int]) throws -> Double
  ) throws -> [Int] {
    var best: (ratio: Double, moduli: [Int])?
    var most = 0.0
    func consider(_ moduli: [Int]) throws {
      let ratio = try measure(moduli)
      most = max(most, ratio)
      if ratio >= target, best == nil || ratio < best!.ratio { best = (ratio, moduli) }
    }
    // Every m up to 10⁵, then steps of 1%: the ratio changes smoothly there.
    func sizes(upTo limit: Int) -> [Int] {
      var values = Array(1...min(limit, 100_000))
      var m = Double(values.last!)
      while Int(m) < limit {
        m *= 1.01
        values.append(min(limit, Int(m)))
      }
      return values
    }
    switch scheme {
    case .hash:
      for m in sizes(upTo: rows) { try consider([m]) }
    case .qr:
      for m in sizes(upTo: rows) { try consider([ceilDiv(rows, m), m]) }
    case .gqr:
      for k in concatCount.map({ [$0] }) ?? [2, 3, 4] where k >= 2 {
        for first in sizes(upTo: rows) {
          let rest = ceilDiv(rows, first)
          try consider([first] + mixedRadixModuli(rows: rest, count: k - 1))
        }
      }
    case .crt:
      for k in concatCount.map({ [$0] }) ?? [2, 3, 4] where k >= 2 {
        var base = root(rows, k)
        while base <= rows {
          let moduli = coprimeModuli(rows: rows, count: k, from: base)
          let ratio = try measure(moduli)
          most = max(most, ratio)
          if ratio < target { break }
          if best == nil || ratio < best!.ratio { best = (ratio, moduli) }
          base = max(base + 1, Int(Double(base) * 1.01))
        }
      }
    }
    guard let best else {
      throw invalid("--ratio \(target) is out of reach for --scheme \(scheme.rawValue): the most it can compress this table is \(String(format: "%.2f", most))×")
    }
    return best.moduli
  }
}
