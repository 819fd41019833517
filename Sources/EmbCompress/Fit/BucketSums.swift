import CKernels

/// Per partition, the sum of the rows in each bucket (over the partition's own columns), and per
/// column the sum of squares: everything the closed forms and backfitting need, in one pass.
final class BucketSums {
  let partitions: [Partition]
  /// The table columns partition j sums: its block for concat, all of them otherwise.
  let columnRanges: [Range<Int>]
  let dim: Int
  /// `sums[j]` is `modulus_j × columnRanges[j].count`, row-major.
  let sums: [DoubleBuffer]
  /// Σᵢ Eᵢ[c]² per column.
  let squares: DoubleBuffer

  init(partitions: [Partition], columnRanges: [Range<Int>], dim: Int) {
    self.partitions = partitions
    self.columnRanges = columnRanges
    self.dim = dim
    sums = zip(partitions, columnRanges).map { DoubleBuffer(count: $0.modulus * $1.count) }
    squares = DoubleBuffer(count: dim)
  }

  /// Adds a block's rows; each worker owns a range of columns and adds rows in id order.
  func add(_ block: RowBlock, workers: ColumnWorkers) {
    let shared = UncheckedSendable((block, sums.map(\.pointer), squares.pointer))
    let partitions = self.partitions
    let columnRanges = self.columnRanges
    let dim = self.dim
    let allColumns = columnRanges.allSatisfy { $0 == 0..<dim }
    workers.run { columns in
      let (block, sums, squares) = shared.value
      if allColumns {
        // hash, add: every partition sums every column (CKernels: AVX2 where available).
        var cursors = partitions.flatMap { partition -> [Int] in
          let cursor = PartitionCursor(partition, at: block.firstRow)
          return [partition.divisor, partition.modulus, block.firstRow % partition.divisor, cursor.bucket]
        }
        let targets = sums.map { UnsafeMutablePointer<Double>?($0 + columns.lowerBound) }
        let strides = [Int](repeating: dim, count: partitions.count)
        ck_bucket_rows(
          block.values.baseAddress! + columns.lowerBound, dim, block.rowCount, columns.count,
          squares + columns.lowerBound, partitions.count, targets, strides, &cursors)
        return
      }
      // For each partition, the part of this worker's columns it sums, as offsets into its table row.
      let overlaps = columnRanges.map { $0.clamped(to: columns) }
      var cursors = partitions.map { PartitionCursor($0, at: block.firstRow) }
      var row = block.values.baseAddress!
      for _ in 0..<block.rowCount {
        for c in columns {
          let x = Double(row[c])
          squares[c] += x * x
        }
        for j in 0..<partitions.count {
          if !overlaps[j].isEmpty {
            let width = columnRanges[j].count
            let target = sums[j] + cursors[j].bucket * width - columnRanges[j].lowerBound
            for c in overlaps[j] { target[c] += Double(row[c]) }
          }
          cursors[j].advance()
        }
        row += dim
      }
    }
  }

  /// How many of the ids `0..<rows` fall in each bucket of `partition`.
  static func counts(of partition: Partition, rows: Int) -> [Double] {
    let (divisor, modulus) = (partition.divisor, partition.modulus)
    let (period, overflow) = divisor.multipliedReportingOverflow(by: modulus)
    let cycles = overflow ? 0 : rows / period
    let rest = overflow ? rows : rows % period
    return (0..<modulus).map { bucket in
      let (start, startOverflow) = bucket.multipliedReportingOverflow(by: divisor)
      let partial = startOverflow ? 0 : max(0, min(divisor, rest - start))
      return Double(cycles * divisor + partial)
    }
  }
}
