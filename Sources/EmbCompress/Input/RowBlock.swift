/// Consecutive rows of a table as `Float`, row-major; valid only inside the callback that gets it.
public struct RowBlock {
  /// The id of the first row in the block.
  public var firstRow: Int
  public var rowCount: Int
  public var dim: Int
  public var values: UnsafeBufferPointer<Float>

  public init(firstRow: Int, rowCount: Int, dim: Int, values: UnsafeBufferPointer<Float>) {
    precondition(values.count == rowCount * dim)
    self.firstRow = firstRow
    self.rowCount = rowCount
    self.dim = dim
    self.values = values
  }

  /// The ids of the rows in the block.
  public var rows: Range<Int> { firstRow..<(firstRow + rowCount) }

  /// The values of row `id` (a table id inside `rows`).
  @inlinable
  public func row(_ id: Int) -> UnsafeBufferPointer<Float> {
    let start = (id - firstRow) * dim
    return UnsafeBufferPointer(rebasing: values[start..<(start + dim)])
  }
}
