/// What table l contributes to the fitted rows of each bucket of partition j:
/// X_{j←l}[b] = Σ over ids i in bucket b of partition j of W_l[p_l(i)].
///
/// Backfitting needs only these and the bucket sums, so it never rereads the table. They depend on
/// the ids alone: closed form on a two-partition grid, otherwise from a count matrix
/// N_jl[b][b'] = #{i : p_j(i) = b, p_l(i) = b'} when it is small, otherwise by walking the runs of
/// ids over which both buckets stay the same.
final class CrossSums {
  private enum Route {
    case grid(MixedRadixGrid)
    /// N for the pair (low, high), `modulus_low × modulus_high`, row-major.
    case counts([Double])
    case runs
  }

  private let partitions: [Partition]
  private let rows: Int
  private let dim: Int
  /// Indexed by the pair (low, high), low < high.
  private var routes: [Int: Route] = [:]

  init(layout: CompositionalLayout, memoryBudget: Int) {
    partitions = layout.partitions
    rows = layout.rows
    dim = layout.dim
    let k = partitions.count
    var countBytes = 0
    for low in 0..<k {
      for high in (low + 1)..<k {
        if k == 2, let grid = MixedRadixGrid(layout) {
          routes[low * k + high] = .grid(grid)
          continue
        }
        let (a, b) = (partitions[low], partitions[high])
        let cells = a.modulus.multipliedReportingOverflow(by: b.modulus)
        let runs = min(rows, rows / a.divisor + rows / b.divisor + 1)
        if !cells.overflow, cells.partialValue <= runs, countBytes + cells.partialValue * 8 <= memoryBudget / 8 {
          countBytes += cells.partialValue * 8
          routes[low * k + high] = .counts(Self.countMatrix(a, b, rows: rows))
        } else {
          routes[low * k + high] = .runs
        }
      }
    }
  }

  /// `x[b][c] += scale · X_{j←l}[b][c]` for the columns in `columns`; x is `modulus_j × dim`,
  /// `table` is W_l, `modulus_l × dim`, both row-major.
  func accumulate(
    into x: UnsafeMutablePointer<Double>, bucketsOf j: Int, from l: Int, table: UnsafePointer<Double>,
    columns: Range<Int>, scale: Double
  ) {
    let k = partitions.count
    let route = routes[min(j, l) * k + max(j, l)]!
    let dim = self.dim
    switch route {
    case .grid(let grid):
      let last = grid.gridRows - 1
      if j == grid.slowIndex {
        // Rows q < last hold every r; the last holds r < lastRowLength.
        var whole = [Double](repeating: 0, count: columns.count)
        var part = [Double](repeating: 0, count: columns.count)
        for r in 0..<grid.columns {
          let w = table + r * dim
          for c in columns { whole[c - columns.lowerBound] += w[c] }
          if r == grid.lastRowLength - 1 { part = whole }
        }
        for q in 0..<last {
          let target = x + q * dim
          for c in columns { target[c] += scale * whole[c - columns.lowerBound] }
        }
        let target = x + last * dim
        for c in columns { target[c] += scale * part[c - columns.lowerBound] }
      } else {
        // Column r meets every row q < last, and the last row when r < lastRowLength.
        var upper = [Double](repeating: 0, count: columns.count)
        for q in 0..<last {
          let w = table + q * dim
          for c in columns { upper[c - columns.lowerBound] += w[c] }
        }
        let lastRow = table + last * dim
        for r in 0..<grid.columns {
          let target = x + r * dim
          if r < grid.lastRowLength {
            for c in columns { target[c] += scale * (upper[c - columns.lowerBound] + lastRow[c]) }
          } else {
            for c in columns { target[c] += scale * upper[c - columns.lowerBound] }
          }
        }
      }
    case .counts(let counts):
      let low = partitions[min(j, l)].modulus, high = partitions[max(j, l)].modulus
      counts.withUnsafeBufferPointer { n in
        for a in 0..<low {
          for b in 0..<high {
            let count = n[a * high + b]
            guard count != 0 else { continue }
            let weight = scale * count
            // j < l: x[a] gets W[b]; j > l: x[b] gets W[a].
            let (target, source) = j < l ? (x + a * dim, table + b * dim) : (x + b * dim, table + a * dim)
            for c in columns { target[c] += weight * source[c] }
          }
        }
      }
    case .runs:
      Self.forEachRun(partitions[j], partitions[l], in: 0..<rows) { bj, bl, length in
        let target = x + bj * dim, source = table + bl * dim
        let weight = scale * Double(length)
        for c in columns { target[c] += weight * source[c] }
      }
    }
  }

  /// N_ab, counted over one period of the pair's pattern when the table spans several.
  private static func countMatrix(_ a: Partition, _ b: Partition, rows: Int) -> [Double] {
    var counts = [Double](repeating: 0, count: a.modulus * b.modulus)
    let period = lcm(a.divisor.multipliedReportingOverflow(by: a.modulus), b.divisor.multipliedReportingOverflow(by: b.modulus))
    let cycles = period.map { rows / $0 } ?? 0
    if let period, cycles > 0 {
      forEachRun(a, b, in: 0..<period) { x, y, length in counts[x * b.modulus + y] += Double(cycles * length) }
      forEachRun(a, b, in: 0..<(rows % period)) { x, y, length in counts[x * b.modulus + y] += Double(length) }
    } else {
      forEachRun(a, b, in: 0..<rows) { x, y, length in counts[x * b.modulus + y] += Double(length) }
    }
    return counts
  }

  private static func lcm(_ x: (partialValue: Int, overflow: Bool), _ y: (partialValue: Int, overflow: Bool)) -> Int? {
    guard !x.overflow, !y.overflow else { return nil }
    let (a, b) = (x.partialValue, y.partialValue)
    var (p, q) = (a, b)
    while q != 0 { (p, q) = (q, p % q) }
    let product = (a / p).multipliedReportingOverflow(by: b)
    return product.overflow ? nil : product.partialValue
  }

  /// Calls `body(bucket in a, bucket in b, length)` for each maximal run of ids in `range` over
  /// which both buckets stay the same, in id order.
  @inline(__always)
  static func forEachRun(_ a: Partition, _ b: Partition, in range: Range<Int>, _ body: (Int, Int, Int) -> Void) {
    guard !range.isEmpty else { return }
    var id = range.lowerBound
    var (offsetA, bucketA) = (id % a.divisor, a.bucket(of: id))
    var (offsetB, bucketB) = (id % b.divisor, b.bucket(of: id))
    while id < range.upperBound {
      let length = min(a.divisor - offsetA, b.divisor - offsetB, range.upperBound - id)
      body(bucketA, bucketB, length)
      id += length
      offsetA += length
      if offsetA == a.divisor {
        offsetA = 0
        bucketA += 1
        if bucketA == a.modulus { bucketA = 0 }
      }
      offsetB += length
      if offsetB == b.divisor {
        offsetB = 0
        bucketB += 1
        if bucketB == b.modulus { bucketB = 0 }
      }
    }
  }
}
