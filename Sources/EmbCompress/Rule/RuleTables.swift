/// The values of a `TableRule`: each term's tables, the projection, the exact rows; and the
/// rows they rebuild.
///
/// Rebuilding is float32 in a fixed order, so any reader that follows docs/checkpoint-format.md
/// gets the same bits: the terms are added in order, each combined as `CompositionalTables`
/// does, then projected as `out[c] = v[0]·P[0][c] + v[1]·P[1][c] + …` left to right, one
/// rounding per product and per sum.
///
///     let tables = RuleTables(rule: rule, terms: fittedTerms)
///     var row = [Float](repeating: 0, count: rule.dim)
///     row.withUnsafeMutableBufferPointer { tables.embedding(of: 42, into: $0) }
public struct RuleTables: Sendable, Equatable {
  public var rule: TableRule
  /// One per term of `rule`, in order.
  public var terms: [CompositionalTables]
  /// `K × dim`, row-major; empty without a projection.
  public var projection: [Float]
  /// The ids stored exactly, ascending.
  public var exactIDs: [Int]
  /// Their rows, `exactIDs.count × dim`, row-major.
  public var exactRows: [Float]

  public init(rule: TableRule, terms: [CompositionalTables], projection: [Float] = [], exactIDs: [Int] = [], exactRows: [Float] = []) {
    precondition(terms.count == rule.terms.count && zip(terms, rule.terms).allSatisfy { $0.layout == $1 })
    precondition(projection.count == (rule.projectionRank ?? 0) * rule.dim, "the projection has the wrong size")
    precondition(exactIDs.count == rule.exactRowCount && exactRows.count == rule.exactRowCount * rule.dim)
    precondition(zip(exactIDs, exactIDs.dropFirst()).allSatisfy { $0 < $1 }, "exact ids must ascend")
    self.rule = rule
    self.terms = terms
    self.projection = projection
    self.exactIDs = exactIDs
    self.exactRows = exactRows
  }

  /// The plain tables of format 1, as one-term rule tables.
  public init(_ tables: CompositionalTables) {
    self.init(rule: TableRule(tables.layout), terms: [tables])
  }

  /// The same tables rounded to `precision`, as a reader of the stored checkpoint sees them;
  /// exact rows are float32 whatever the precision.
  public func rounded(to precision: StoragePrecision) -> RuleTables {
    guard precision != .f32 else { return self }
    var copy = self
    copy.terms = terms.map { $0.rounded(to: precision) }
    copy.projection = projection.map(precision.round)
    return copy
  }

  /// The index of `id` among the exact ids, if it is one.
  @inlinable
  public func exactIndex(of id: Int) -> Int? {
    var low = 0
    var high = exactIDs.count
    while low < high {
      let middle = (low + high) / 2
      if exactIDs[middle] < id { low = middle + 1 } else { high = middle }
    }
    return low < exactIDs.count && exactIDs[low] == id ? low : nil
  }

  /// Writes the rebuilt row of `id` into `output` (`dim` values).
  ///
  /// Allocates scratch for rules with several terms or a projection; loops over many rows should
  /// use `embeddings(of:into:)` or a `RuleRowBuilder`.
  public func embedding(of id: Int, into output: UnsafeMutableBufferPointer<Float>) {
    if rule.isPlain {
      terms[0].embedding(of: id, into: output)
      return
    }
    let builder = RuleRowBuilder(self)
    builder.build(id, into: output)
  }

  /// Writes rows `range` of the rebuilt table, row-major, into `output`.
  public func embeddings(of range: Range<Int>, into output: UnsafeMutableBufferPointer<Float>) {
    let dim = rule.dim
    if rule.isPlain {
      terms[0].embeddings(of: range, into: output)
      return
    }
    let builder = RuleRowBuilder(self)
    for (offset, id) in range.enumerated() {
      builder.build(id, into: UnsafeMutableBufferPointer(rebasing: output[(offset * dim)..<((offset + 1) * dim)]))
    }
  }
}
