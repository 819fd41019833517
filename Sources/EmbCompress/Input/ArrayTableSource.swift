/// A table already in memory, row-major; for tests and for tables small enough to hold.
///
///     let table = ArrayTableSource(rows: 2, dim: 3, values: [1, 2, 3, 4, 5, 6])
public final class ArrayTableSource: TableSource {
  public let info: TableInfo
  public let values: [Float]

  public init(rows: Int, dim: Int, values: [Float], path: String = "<memory>") {
    precondition(values.count == rows * dim, "values must hold rows × dim elements")
    self.values = values
    self.info = TableInfo(
      path: path, format: .raw, name: nil, rows: rows, dim: dim, elementType: .float32,
      byteOrder: .host)
  }

  public func readRows(_ range: Range<Int>, into buffer: UnsafeMutableBufferPointer<Float>) throws {
    let dim = info.dim
    values.withUnsafeBufferPointer { source in
      _ = buffer.initialize(from: source[(range.lowerBound * dim)..<(range.upperBound * dim)])
    }
  }
}
