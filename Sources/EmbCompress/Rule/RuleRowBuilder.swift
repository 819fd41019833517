import CKernels

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

  /// The one term's partitions when the rule is a single mult or add term and nothing else:
  /// the common case, rebuilt by a C loop many rows at a time.
  private let plainPartitions: (divisors: [Int], moduli: [Int], additive: Int32)?

  public init(_ tables: RuleTables) {
    self.tables = tables
    sum = .allocate(capacity: tables.rule.width)
    term = .allocate(capacity: tables.rule.width)
    let layout = tables.terms[0].layout
    if tables.terms.count == 1, tables.rule.projectionRank == nil, tables.exactIDs.isEmpty, layout.operation != .concat {
      plainPartitions = (layout.partitions.map(\.divisor), layout.partitions.map(\.modulus), layout.operation == .add ? 1 : 0)
    } else {
      plainPartitions = nil
    }
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

  /// Writes the rebuilt rows `ids` into `output`, one after another (`ids.count × dim` values):
  /// the same bits as `build(_:into:)` row by row.
  public func build(_ ids: Range<Int>, into output: UnsafeMutablePointer<Float>) {
    let dim = tables.rule.dim
    guard let plain = plainPartitions else {
      for (offset, id) in ids.enumerated() {
        build(id, into: UnsafeMutableBufferPointer(start: output + offset * dim, count: dim))
      }
      return
    }
    Self.withBasePointers(tables.terms[0].weights) { pointers in
      ck_rebuild_rows(
        ids.lowerBound, ids.count, dim, plain.divisors.count, plain.divisors, plain.moduli, pointers, plain.additive,
        output, dim)
    }
  }

  /// `body` with the base address of each of `arrays`, all valid for its duration.
  private static func withBasePointers<R>(_ arrays: [[Float]], _ body: ([UnsafePointer<Float>?]) -> R) -> R {
    var pointers: [UnsafePointer<Float>?] = []
    pointers.reserveCapacity(arrays.count)
    func nest(_ index: Int) -> R {
      guard index < arrays.count else { return body(pointers) }
      return arrays[index].withUnsafeBufferPointer { buffer in
        pointers.append(buffer.baseAddress)
        return nest(index + 1)
      }
    }
    return nest(0)
  }
}
