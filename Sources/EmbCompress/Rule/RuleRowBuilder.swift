/// Rebuilds rows of `RuleTables` one at a time with scratch allocated once, so a loop over
/// millions of rows allocates nothing per row. Not shared between threads: make one per worker.
///
///     let builder = RuleRowBuilder(tables)
///     for id in ids { builder.build(id, into: row) }
public final class RuleRowBuilder {
  public let tables: RuleTables
  /// The terms' sum, `width` wide.
  private let sum: UnsafeMutableBufferPointer<Float>
  /// One term, `width` wide.
  private let term: UnsafeMutableBufferPointer<Float>

  public init(_ tables: RuleTables) {
    self.tables = tables
    sum = .allocate(capacity: tables.rule.width)
    term = .allocate(capacity: tables.rule.width)
  }

  deinit {
    sum.deallocate()
    term.deallocate()
  }

  /// Writes the rebuilt row of `id` (in `0..<rows`) into `output` (`dim` values).
  public func build(_ id: Int, into output: UnsafeMutableBufferPointer<Float>) {
    let rule = tables.rule
    let dim = rule.dim
    precondition(output.count == dim)
    if let index = tables.exactIndex(of: id) {
      tables.exactRows.withUnsafeBufferPointer { rows in
        for c in 0..<dim { output[c] = rows[index * dim + c] }
      }
      return
    }
    let width = rule.width
    // Without a projection the terms' sum is the row itself.
    let target = rule.projectionRank == nil ? output : sum
    tables.terms[0].embedding(of: id, into: target)
    for t in 1..<tables.terms.count {
      tables.terms[t].embedding(of: id, into: term)
      for c in 0..<width { target[c] += term[c] }
    }
    guard rule.projectionRank != nil else { return }
    tables.projection.withUnsafeBufferPointer { projection in
      let v0 = sum[0]
      for c in 0..<dim { output[c] = v0 * projection[c] }
      for k in 1..<width {
        let vk = sum[k]
        let row = k * dim
        for c in 0..<dim { output[c] += vk * projection[row + c] }
      }
    }
  }
}
