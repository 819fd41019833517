/// Where a fit is, reported a few times per pass over the rows.
public struct FitProgress: Sendable, Equatable {
  /// The pass over the table's rows, from 1 (in memory or from the source alike).
  public var pass: Int
  public var rowsDone: Int
  public var rowsTotal: Int
  /// What the pass computes, such as "bucket sums", "gram" or "als".
  public var phase: String

  public init(pass: Int, rowsDone: Int, rowsTotal: Int, phase: String) {
    self.pass = pass
    self.rowsDone = rowsDone
    self.rowsTotal = rowsTotal
    self.phase = phase
  }
}
