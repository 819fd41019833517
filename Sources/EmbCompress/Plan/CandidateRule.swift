/// One point of the compositional family, as the `convert` options that produce it.
///
/// A rule is what the plan searches over and what it hands back: `argv` is exactly the options a
/// user passes to `embcompress convert` to get the same layout, and `layout(rows:dim:)` is the
/// layout those options build. Sizes are always explicit (`--collisions`, `--moduli`), never
/// `--ratio`, so the argv means the same thing on any table of the same shape.
///
/// New dimensions of the family (more terms, a projection, exact rows, a precision) become a
/// field here, a few words in `argv`, and a case in `CandidateSpace`; nothing else in the plan
/// looks inside a rule.
public struct CandidateRule: Sendable, Hashable {
  public var scheme: PartitionScheme
  public var operation: CombineOperation
  /// qr, hash: the remainder size m; gqr, crt: the moduli.
  public var moduli: [Int]

  public init(scheme: PartitionScheme, operation: CombineOperation, moduli: [Int]) {
    self.scheme = scheme
    self.operation = operation
    self.moduli = moduli
  }

  /// The rule of a built layout: the same scheme, operation and moduli.
  public init(layout: CompositionalLayout) {
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
    return words
  }

  /// Short name for tables and charts: `qr-mult m=37`, `gqr-add 10·7·143`.
  public var label: String {
    let size = scheme == .qr || scheme == .hash ? "m=\(moduli[0])" : moduli.map(String.init).joined(separator: "·")
    return "\(scheme.rawValue)-\(operation.rawValue) \(size)"
  }

  /// The layout `convert` builds from `argv` for a table of this shape; throws when the rule
  /// does not fit it (more collisions than rows, say).
  public func layout(rows: Int, dim: Int) throws -> CompositionalLayout {
    try CompositionalLayout(rows: rows, dim: dim, scheme: scheme, operation: operation, sizing: sizing)
  }
}
