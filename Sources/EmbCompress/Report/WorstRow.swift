/// One of the rows the fit serves worst (`worst_rows` in the report).
public struct WorstRow: Sendable, Equatable, Encodable {
  public var id: Int
  /// ‖E_i − Ê_i‖ / ‖E_i‖.
  public var relativeError: Double
  /// ‖E_i‖: a large error on a tiny row matters less than on a large one.
  public var norm: Double

  public init(id: Int, relativeError: Double, norm: Double) {
    self.id = id
    self.relativeError = relativeError
    self.norm = norm
  }

  /// The `count` rows with the largest relative error, largest first (ties to the smaller id),
  /// in one scan.
  public static func largest(_ count: Int, in errors: RowErrors) -> [WorstRow] {
    guard count > 0 else { return [] }
    var kept: [(error: Float, id: Int)] = []
    kept.reserveCapacity(count + 1)
    for (id, error) in errors.relative.enumerated() {
      guard kept.count < count || error > kept[kept.count - 1].error else { continue }
      var slot = kept.count
      while slot > 0 && kept[slot - 1].error < error { slot -= 1 }
      kept.insert((error, id), at: slot)
      if kept.count > count { kept.removeLast() }
    }
    return kept.map { WorstRow(id: $0.id, relativeError: Double($0.error), norm: Double(errors.norm[$0.id])) }
  }

  private enum CodingKeys: String, CodingKey { case id, relativeError = "relative_error", norm }
}
