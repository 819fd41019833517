/// How a compressed table is rebuilt: the sum of one or more compositional terms over the ids,
/// then an optional projection, with some rows optionally stored exactly.
///
/// It is the one description the fitter, the checkpoint writer and reader, the report and the
/// docs' numpy rule share (docs/checkpoint-format.md). For id `i`:
///
///     v = term_0(i) + term_1(i) + …        each term a CompositionalLayout, `width` wide
///     row = projection == nil ? v : v · P  P is `width × dim`
///     row = exact row of i, when i is one of the exact ids
///
///     let rule = try TableRule(rows: 512, dim: 384, scheme: .qr, operation: .mult,
///                              sizing: .collisions(4), terms: 2)
///     rule.tensors.map(\.name)  // ["term0.weight_q", "term0.weight_r", "term1.weight_q", "term1.weight_r"]
public struct TableRule: Sendable, Equatable {
  public var rows: Int
  public var dim: Int
  /// How the terms' partitions were chosen; every term's partitions follow it.
  public var scheme: PartitionScheme
  /// Summed in order; each is `rows × width`.
  public var terms: [CompositionalLayout]
  /// K, when K-wide terms are mapped to `dim` by a `K × dim` projection.
  public var projectionRank: Int?
  /// How many rows are stored exactly, with their ids.
  public var exactRowCount: Int
  /// Put before every tensor name: `NAME.` for table NAME of a file holding several tables.
  public var tensorPrefix = ""

  public init(
    rows: Int, dim: Int, scheme: PartitionScheme, terms: [CompositionalLayout], projectionRank: Int? = nil,
    exactRowCount: Int = 0
  ) {
    self.rows = rows
    self.dim = dim
    self.scheme = scheme
    self.terms = terms
    self.projectionRank = projectionRank
    self.exactRowCount = exactRowCount
  }

  /// The plain rule of format 1: one term, nothing else.
  public init(_ layout: CompositionalLayout) {
    self.init(rows: layout.rows, dim: layout.dim, scheme: layout.scheme, terms: [layout])
  }

  /// Builds and checks the rule for `sizing`, with `terms` terms over the same partitions.
  ///
  /// `.ratio` counts every byte the rule stores at `precision`: all terms, the projection and
  /// the exact rows (their float32 values and 64-bit ids), as `tensorBytes(precision:)` does.
  ///
  /// - Throws: `.invalidArguments` saying why, for a size or option that cannot work.
  public init(
    rows: Int, dim: Int, scheme: PartitionScheme, operation: CombineOperation, sizing: Sizing? = nil,
    concatDims: [Int]? = nil, terms: Int = 1, projectionRank: Int? = nil, exactRowCount: Int = 0,
    inputBytesPerValue: Int = 4, precision: StoragePrecision = .f32
  ) throws {
    func invalid(_ detail: String) -> EmbCompressError { .invalidArguments(detail: detail) }
    guard terms >= 1 else { throw invalid("--terms must be at least 1, not \(terms)") }
    if terms > 1 && operation != .mult {
      throw invalid("--terms \(terms) needs --operation mult: a sum of \(operation.rawValue) terms is one \(operation.rawValue) term")
    }
    if terms > 1 && scheme == .hash {
      throw invalid("--terms \(terms) needs two or more partitions: a sum of hash terms is one hash term")
    }
    if let rank = projectionRank {
      guard rank >= 1, rank < dim else { throw invalid("--project must be between 1 and dim − 1 = \(dim - 1), not \(rank)") }
    }
    guard exactRowCount >= 0, exactRowCount < rows else {
      throw invalid("--exact-rows must leave at least one of the \(rows) rows to fit, not \(exactRowCount)")
    }
    let inputBytes = Double(rows * dim * inputBytesPerValue)
    let layout = try CompositionalLayout(
      rows: rows, dim: projectionRank ?? dim, scheme: scheme, operation: operation, sizing: sizing,
      concatDims: concatDims, inputBytesPerValue: inputBytesPerValue, storedBytesPerValue: precision.byteSize
    ) { candidate in
      let rule = TableRule(
        rows: rows, dim: dim, scheme: scheme, terms: Array(repeating: candidate, count: terms),
        projectionRank: projectionRank, exactRowCount: exactRowCount)
      return inputBytes / Double(rule.tensorBytes(precision: precision))
    }
    let termLayouts = (0..<terms).map { t -> CompositionalLayout in
      guard terms > 1 else { return layout }
      var term = layout
      term.partitions = layout.partitions.map { partition in
        var named = partition
        named.tensor = "term\(t).\(partition.tensor)"
        return named
      }
      return term
    }
    self.init(
      rows: rows, dim: dim, scheme: scheme, terms: termLayouts, projectionRank: projectionRank,
      exactRowCount: exactRowCount)
  }

  /// The width of every term: K with a projection, else `dim`.
  public var width: Int { projectionRank ?? dim }

  /// Whether the rule is format 1's: one term, no projection, no exact rows, so DLRM's
  /// `weight_q`/`weight_r` load as they are.
  public var isPlain: Bool { terms.count == 1 && projectionRank == nil && exactRowCount == 0 }

  /// The projection's tensor name.
  public static let projectionTensor = "projection"
  /// The exact rows' ids (I64, ascending) and values (F32).
  public static let exactIDsTensor = "exact_ids"
  public static let exactRowsTensor = "exact_rows"

  /// Every tensor the rule stores, in file order: the terms' tables, the projection, the exact
  /// ids and rows.
  public var tensors: [RuleTensor] {
    var tensors: [RuleTensor] = []
    for (t, term) in terms.enumerated() {
      for (j, partition) in term.partitions.enumerated() {
        tensors.append(RuleTensor(name: tensorPrefix + partition.tensor, shape: [partition.modulus, partition.dim], role: .table(term: t, partition: j)))
      }
    }
    if let rank = projectionRank {
      tensors.append(RuleTensor(name: tensorPrefix + Self.projectionTensor, shape: [rank, dim], role: .projection))
    }
    if exactRowCount > 0 {
      tensors.append(RuleTensor(name: tensorPrefix + Self.exactIDsTensor, shape: [exactRowCount], role: .exactIDs))
      tensors.append(RuleTensor(name: tensorPrefix + Self.exactRowsTensor, shape: [exactRowCount, dim], role: .exactRows))
    }
    return tensors
  }

  /// The bytes of every tensor, with the tables and projection stored at `precision`.
  public func tensorBytes(precision: StoragePrecision) -> Int {
    tensors.reduce(0) { $0 + $1.byteCount(precision: precision) }
  }

}
