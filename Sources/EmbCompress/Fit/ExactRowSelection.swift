/// Which ids `--exact-rows` stores exactly: with weights, the `count` of largest weight; without,
/// the `count` the fit serves worst (largest ‖Eᵢ − Êᵢ‖²). Ties go to the smaller id; the
/// result ascends.
enum ExactRowSelection {
  static func largest(_ count: Int, of scores: [Double]) -> [Int] {
    guard count > 0 else { return [] }
    let order = scores.indices.sorted { a, b in scores[a] != scores[b] ? scores[a] > scores[b] : a < b }
    return order.prefix(count).sorted()
  }

  /// ‖Eᵢ − Êᵢ‖² for every row, Ê rebuilt in Float by `tables` (whose rule has no exact rows).
  static func rowErrors(table: [Float], tables: RuleTables) -> [Double] {
    let (rows, dim) = (tables.rule.rows, tables.rule.dim)
    let builder = RuleRowBuilder(tables)
    var row = [Float](repeating: 0, count: dim)
    return (0..<rows).map { id in
      row.withUnsafeMutableBufferPointer { builder.build(id, into: $0) }
      var sum = 0.0
      for c in 0..<dim {
        let e = Double(table[id * dim + c]) - Double(row[c])
        sum += e * e
      }
      return sum
    }
  }
}
