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

  /// The `count` rows with the largest of `relative` errors, largest first (ties to the smaller
  /// id), in one scan; `norm` gives their norms.
  public static func largest(_ count: Int, relative: [Float], norm: [Float]) -> [WorstRow] {
    var list = WorstRowList(capacity: count)
    for (id, error) in relative.enumerated() { list.offer(error: error, id: id, norm: norm[id]) }
    return list.worstRows
  }

  private enum CodingKeys: String, CodingKey { case id, relativeError = "relative_error", norm }
}
