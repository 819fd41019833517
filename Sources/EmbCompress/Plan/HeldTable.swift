/// A table read once into memory that poses as its file: the same `info` and the same preferred
/// block height, so every pass over it is cut into the same blocks as a pass over the file.
///
/// That is what makes the plan's figures `convert`'s figures: the fitter and the measuring pass
/// sum block by block, and with identical blocks (and identical values) they do identical
/// arithmetic, so a rule fitted and measured here gives the very error `convert` reports.
final class HeldTable: TableSource {
  let info: TableInfo
  let preferredRowMultiple: Int
  let values: [Float]

  /// Reads all of `source` (one checked pass).
  init(reading source: any TableSource, maxBlockBytes: Int) throws {
    info = source.info
    preferredRowMultiple = source.preferredRowMultiple
    var values = [Float](repeating: 0, count: source.info.count)
    try values.withUnsafeMutableBufferPointer { target in
      try source.readAll(into: target, maxBlockBytes: maxBlockBytes) { _ in }
    }
    self.values = values
  }

  func readRows(_ range: Range<Int>, into buffer: UnsafeMutableBufferPointer<Float>) throws {
    let dim = info.dim
    values.withUnsafeBufferPointer { source in
      _ = buffer.initialize(from: source[(range.lowerBound * dim)..<(range.upperBound * dim)])
    }
  }
}
