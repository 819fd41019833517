/// Whether a rule read from a `.qr` file is one that rebuilds every id in `[0, rows)`, and is
/// what its scheme promises.
///
/// The rule itself only needs positive divisors and moduli; the scheme checks go further and
/// refuse, for qr, gqr and crt, partitions that are not complementary (two ids sharing every
/// bucket), since a file claiming those schemes promises each id its own combination.
///
///     try CheckpointLayoutRules.check(rule, path: "out.qr")
enum CheckpointLayoutRules {
  static func check(_ rule: TableRule, path: String) throws {
    func malformed(_ detail: String) -> EmbCompressError { .malformed(path: path, detail: detail) }
    // Every reader of the rebuilt table computes rows × dim floats; it must be addressable.
    guard CheckedArithmetic.product([rule.rows, rule.dim, MemoryLayout<Float>.size]) != nil else {
      throw malformed("rows \(rule.rows) × dim \(rule.dim) float32 values is more bytes than can be addressed")
    }
    if let rank = rule.projectionRank, rank > rule.dim {
      throw malformed("projection rank \(rank) is more than the table's dim \(rule.dim)")
    }
    guard rule.exactRowCount <= rule.rows else {
      throw malformed("exact_rows count \(rule.exactRowCount) is more than the table's \(rule.rows) rows")
    }
    var names = Set<String>()
    for tensor in rule.tensors {
      guard names.insert(tensor.name).inserted else {
        let kind = if case .table = tensor.role { "partition" } else { "tensor" }
        throw malformed("\(kind) \(UntrustedText.quoted(tensor.name)) is listed twice")
      }
    }
    let width = rule.projectionRank == nil ? "the table's dim" : "the projection rank"
    for term in rule.terms { try check(term, width: width, path: path) }
  }

  /// One term: `layout.dim` is the rule's width, which messages call `width`.
  static func check(_ layout: CompositionalLayout, width: String, path: String) throws {
    func malformed(_ detail: String) -> EmbCompressError { .malformed(path: path, detail: detail) }
    let partitions = layout.partitions
    let dim = layout.dim

    for partition in partitions {
      let name = UntrustedText.quoted(partition.tensor)
      guard partition.divisor >= 1 else {
        throw malformed("partition \(name) has divisor \(partition.divisor); divisors must be at least 1")
      }
      guard partition.modulus >= 1 else {
        throw malformed("partition \(name) has modulus \(partition.modulus); moduli must be at least 1")
      }
      guard partition.dim >= 1 else {
        throw malformed("partition \(name) has dim \(partition.dim); widths must be at least 1")
      }
      guard !partition.divisor.multipliedReportingOverflow(by: partition.modulus).overflow else {
        throw malformed("partition \(name): divisor \(partition.divisor) × modulus \(partition.modulus) overflows")
      }
      guard CheckedArithmetic.product([partition.modulus, partition.dim, MemoryLayout<Float>.size]) != nil else {
        throw malformed("partition \(name): modulus \(partition.modulus) × dim \(partition.dim) is more than can be addressed")
      }
    }

    switch layout.operation {
    case .mult, .add:
      if let odd = partitions.first(where: { $0.dim != dim }) {
        throw malformed(
          "partition \(UntrustedText.quoted(odd.tensor)) has dim \(odd.dim), but operation \(layout.operation.rawValue) needs every partition as wide as \(width) (\(dim))")
      }
    case .concat:
      let total = CheckedArithmetic.sum(partitions.map(\.dim))
      guard total == dim else {
        let shown = total.map(String.init) ?? "more than can be counted"
        throw malformed("the partitions' dims sum to \(shown), but operation concat needs \(width) \(dim)")
      }
    }

    try checkScheme(layout, malformed: malformed)
  }

  /// The partition structure each scheme promises (docs/checkpoint-format.md), and that the
  /// complementary schemes give every id in `[0, rows)` its own tuple of buckets.
  private static func checkScheme(
    _ layout: CompositionalLayout, malformed: (String) -> EmbCompressError
  ) throws {
    let partitions = layout.partitions
    let rows = layout.rows
    let scheme = layout.scheme.rawValue
    func count(_ expected: String, _ ok: Bool) throws {
      guard ok else { throw malformed("scheme \(scheme) has \(expected) partitions, not \(partitions.count)") }
    }
    func product(_ moduli: [Int]) -> String { moduli.map(String.init).joined(separator: "·") }

    switch layout.scheme {
    case .hash:
      try count("1", partitions.count == 1)
      guard partitions[0].divisor == 1 else {
        throw malformed("scheme hash needs divisor 1, not \(partitions[0].divisor)")
      }
    case .qr:
      try count("2", partitions.count == 2)
      let (quotient, remainder) = (partitions[0], partitions[1])
      guard remainder.divisor == 1 else {
        throw malformed("scheme qr: the remainder partition (second) needs divisor 1, not \(remainder.divisor)")
      }
      guard quotient.divisor == remainder.modulus else {
        throw malformed(
          "scheme qr: the quotient partition's divisor \(quotient.divisor) is not the remainder's modulus \(remainder.modulus)")
      }
      // divisor × modulus was checked not to overflow.
      guard quotient.divisor * quotient.modulus >= rows else {
        throw malformed(
          "scheme qr: quotient modulus \(quotient.modulus) × remainder modulus \(remainder.modulus) = \(quotient.divisor * quotient.modulus) is less than the \(rows) rows, so some ids would share every bucket")
      }
    case .gqr:
      try count("at least 2", partitions.count >= 2)
      var expected = 1
      for partition in partitions {
        guard partition.divisor == expected else {
          throw malformed(
            "scheme gqr: partition \(UntrustedText.quoted(partition.tensor)) has divisor \(partition.divisor), but mixed radix needs the product of the moduli before it, \(expected)")
        }
        expected = partition.divisor * partition.modulus  // checked not to overflow
      }
      guard expected >= rows else {
        throw malformed(
          "scheme gqr: the moduli \(product(partitions.map(\.modulus))) = \(expected) are less than the \(rows) rows, so some ids would share every bucket")
      }
    case .crt:
      try count("at least 2", partitions.count >= 2)
      if let odd = partitions.first(where: { $0.divisor != 1 }) {
        throw malformed("scheme crt needs divisor 1 everywhere, but partition \(UntrustedText.quoted(odd.tensor)) has \(odd.divisor)")
      }
      let moduli = partitions.map(\.modulus)
      for i in moduli.indices {
        for j in moduli.indices where j > i && CompositionalLayout.gcd(moduli[i], moduli[j]) != 1 {
          throw malformed(
            "scheme crt needs pairwise coprime moduli, but \(moduli[i]) and \(moduli[j]) share the factor \(CompositionalLayout.gcd(moduli[i], moduli[j]))")
        }
      }
      // An overflowing product is far more than any table's rows.
      if let covered = CheckedArithmetic.product(moduli), covered < rows {
        throw malformed(
          "scheme crt: the moduli \(product(moduli)) = \(covered) are less than the \(rows) rows, so some ids would share every bucket")
      }
    }
  }

}
