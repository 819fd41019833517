/// The grid's other side: per column, the Gram matrix GGᵀ of the grid rows (ceil(n/m) square),
/// the smaller one when m > ceil(n/m). Pairs of grid rows lie far apart in the table, so this needs
/// the table in memory; missing cells of a partial last row count as 0 (it only seeds ALS then).
enum SlowSideGram {
  /// Columns gathered together, to read each cache line of the table once per group.
  static let group = 8

  /// The bytes it takes beyond the table: a few columns' grids and Gram matrices per worker.
  static func bytes(grid: MixedRadixGrid, workers: Int) -> Int {
    workers * group * (grid.gridRows * grid.columns + grid.gridRows * grid.gridRows) * MemoryLayout<Double>.stride
  }

  /// Writes each column's top eigenvector of GGᵀ (unit norm) into `slow`; ones where a solve fails.
  static func topEigenvectors(
    table: UnsafeBufferPointer<Float>, grid: MixedRadixGrid, dim: Int, into slow: UnsafeMutablePointer<Float>,
    workers: ColumnWorkers
  ) {
    let (m, rows) = (grid.columns, grid.gridRows)
    let shared = UncheckedSendable((table, slow))
    workers.run { columns in
      let (table, slow) = shared.value
      let cells = rows * m
      let gathered = UnsafeMutablePointer<Double>.allocate(capacity: group * cells)
      let grams = UnsafeMutablePointer<Double>.allocate(capacity: group * rows * rows + rows)
      defer {
        gathered.deallocate()
        grams.deallocate()
      }
      let vector = grams + group * rows * rows
      let solver = TopEigenpair(order: rows)
      let tableRows = table.count / dim
      var groupStart = columns.lowerBound
      while groupStart < columns.upperBound {
        let groupWidth = min(group, columns.upperBound - groupStart)
        gathered.update(repeating: 0, count: groupWidth * cells)
        for i in 0..<tableRows {
          let source = table.baseAddress! + i * dim + groupStart
          for g in 0..<groupWidth { gathered[g * cells + i] = Double(source[g]) }
        }
        for g in 0..<groupWidth {
          let gram = grams + g * rows * rows
          gram.update(repeating: 0, count: rows * rows)
          SymmetricRankUpdate.addRowGram(of: gathered + g * cells, rows: rows, columns: m, into: gram)
          let found = solver.solve(matrix: gram, vector: vector) != nil
          for q in 0..<rows { slow[q * dim + groupStart + g] = found ? Float(vector[q]) : 1 }
        }
        groupStart += groupWidth
      }
    }
  }
}
