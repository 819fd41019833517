/// One point of the compositional family, as the `convert` options that produce it.
///
/// A rule is what the plan searches over and what it hands back: `argv` is exactly the options a
/// user passes to `embcompress convert` to get the same layout, and `layout(rows:dim:)` is the
/// layout those options build. Sizes are always explicit (`--collisions`, `--moduli`), never
/// `--ratio`, so the argv means the same thing on any table of the same shape.
///
/// New dimensions of the family (exact rows, a precision) become a field here, a few words in
/// `argv`, and a case in `CandidateSpace`; nothing else in the plan looks inside a rule.
public struct CandidateRule: Sendable, Hashable {
  public var scheme: PartitionScheme
  public var operation: CombineOperation
  /// qr, hash: the remainder size m; gqr, crt: the moduli.
  public var moduli: [Int]
  /// `--terms`: mult terms summed over the same partitions.
  public var terms: Int
  /// `--project`: the terms' width K, mapped to the table's by a K × dim projection.
  public var projectionRank: Int?

  public init(
    scheme: PartitionScheme, operation: CombineOperation, moduli: [Int], terms: Int = 1, projectionRank: Int? = nil
  ) {
    self.scheme = scheme
    self.operation = operation
    self.moduli = moduli
    self.terms = terms
    self.projectionRank = projectionRank
  }

  /// The rule of a built rule: the same scheme, operation, moduli, terms and projection.
  public init(rule: TableRule) {
    self.init(layout: rule.terms[0])
    terms = rule.terms.count
    projectionRank = rule.projectionRank
  }

  /// The rule of a built layout: the same scheme, operation and moduli.
  public init(layout: CompositionalLayout) {
    terms = 1
    projectionRank = nil
    scheme = layout.scheme
    operation = layout.operation
    switch layout.scheme {
    case .qr: moduli = [layout.partitions[1].modulus]
    case .hash: moduli = [layout.partitions[0].modulus]
    case .gqr, .crt: moduli = layout.partitions.map(\.modulus)
    }
  }

  public var sizing: Sizing {
    switch scheme {
    case .qr, .hash: .collisions(moduli[0])
    case .gqr, .crt: .moduli(moduli)
    }
  }

  /// The `convert` options that reproduce this rule (the fit options, such as `--seed`, are the
  /// plan's own and are added by whoever runs it).
  public var argv: [String] {
    var words = ["--scheme", scheme.rawValue, "--operation", operation.rawValue]
    switch scheme {
    case .qr, .hash: words += ["--collisions", String(moduli[0])]
    case .gqr, .crt: words += ["--moduli", moduli.map(String.init).joined(separator: ",")]
    }
    if terms != 1 { words += ["--terms", String(terms)] }
    if let projectionRank { words += ["--project", String(projectionRank)] }
    return words
  }

  /// Short name for tables and charts: `qr-mult m=37`, `gqr-add 10·7·143`.
  public var label: String {
    let size = scheme == .qr || scheme == .hash ? "m=\(moduli[0])" : moduli.map(String.init).joined(separator: "·")
    let family = (terms != 1 ? " R=\(terms)" : "") + (projectionRank.map { " K=\($0)" } ?? "")
    return "\(scheme.rawValue)-\(operation.rawValue) \(size)\(family)"
  }

  /// The layout of the first term `convert` builds from `argv` for a table of this shape;
  /// throws when the rule does not fit it (more collisions than rows, say).
  public func layout(rows: Int, dim: Int) throws -> CompositionalLayout {
    try rule(rows: rows, dim: dim).terms[0]
  }

  /// The whole rule `convert` builds from `argv` for a table of this shape.
  public func rule(rows: Int, dim: Int) throws -> TableRule {
    try TableRule(
      rows: rows, dim: dim, scheme: scheme, operation: operation, sizing: sizing, terms: terms,
      projectionRank: projectionRank)
  }

  /// Every byte its checkpoint stores, at float32.
  public func bytes(rows: Int, dim: Int) throws -> Int {
    try rule(rows: rows, dim: dim).tensorBytes(precision: .f32)
  }
}
