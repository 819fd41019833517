import Dispatch

/// EᵀE, accumulated block by block in the report's pass: what the truncated-SVD baseline's
/// error needs.
///
/// Each block's rows are cut into fixed groups of `groupRows`, and the matrix into tiles of
/// `tileWidth` columns. One work item is one group against one tile: float32 BLAS products of
/// `stripRows` rows at a time (`ssyrk` on diagonal tiles, `sgemm` off them), each added to a
/// Double sum. The groups' sums join the matrix in group order, so every bit is the same for any
/// thread count, and a narrow table (one tile) still spreads its rows over the cores.
///
/// Float32 products run at twice the rate of Double ones and need no widened copy of the rows;
/// a strip of 256 rows rounds each entry by about 1e-7 of the sum of its terms' magnitudes, and
/// the strips' sums are Double. docs/report.md gives what that means for the baseline.
final class GramAccumulator {
  let dim: Int
  /// `dim × dim`, row-major; the upper triangle holds EᵀE (the lower is never written).
  private(set) var matrix: [Double]
  private let tiles: [(rows: Range<Int>, columns: Range<Int>)]
  /// One Double sum per group of the current block when it has more than one; reused.
  private var partials: [Double] = []
  /// √w-scaled copies of a strip, one per work item in flight (weighted sums only); reused.
  private var scaledStrips: [Float] = []

  /// Tiles of 128 columns keep each BLAS call large enough to run near peak.
  static let tileWidth = 128
  /// Rows summed in float32 by one BLAS call before the sum is added in Double.
  static let stripRows = 256
  /// Rows whose strips one work item sums: the unit of the fixed split of a block over threads.
  static let groupRows = 2048

  /// The bytes it holds for `dim` columns that grow with them: the matrix and LAPACK's copy
  /// afterwards. The groups' sums (at most a few per block, each d² Doubles only while the block
  /// has several groups, so d ≤ 512 at the default block size) are not counted, like the blocks.
  static func bytesNeeded(dim: Int) -> Int { 2 * dim * dim * 8 }

  init(dim: Int) {
    self.dim = dim
    matrix = [Double](repeating: 0, count: dim * dim)
    var tiles: [(Range<Int>, Range<Int>)] = []
    for low in stride(from: 0, to: dim, by: Self.tileWidth) {
      for columnLow in stride(from: low, to: dim, by: Self.tileWidth) {
        tiles.append((low..<min(dim, low + Self.tileWidth), columnLow..<min(dim, columnLow + Self.tileWidth)))
      }
    }
    self.tiles = tiles
  }

  /// Adds the rows of `block`; with `weights` (every id's count) each row times √w_i, so the
  /// matrix is Eᵀ·diag(w)·E, the Gram matrix of √w⊙E.
  func add(_ block: RowBlock, weights: [Double]? = nil, threads: Int) {
    guard block.rowCount > 0 else { return }
    let dim = self.dim
    let tiles = self.tiles
    let groups = stride(from: 0, to: block.rowCount, by: Self.groupRows).map {
      $0..<min(block.rowCount, $0 + Self.groupRows)
    }
    let items = groups.count * tiles.count
    let workers = max(1, min(threads, items))
    let separate = groups.count > 1
    if separate, partials.count < groups.count * dim * dim {
      partials = [Double](repeating: 0, count: groups.count * dim * dim)
    }
    if weights != nil, scaledStrips.count < workers * Self.stripRows * dim {
      scaledStrips = [Float](repeating: 0, count: workers * Self.stripRows * dim)
    }
    let firstID = block.firstRow
    weights.withOptionalBuffer { weights in
      matrix.withUnsafeMutableBufferPointer { matrix in
        partials.withUnsafeMutableBufferPointer { partials in
          scaledStrips.withUnsafeMutableBufferPointer { scaled in
            let shared = UncheckedSendable((block.values.baseAddress!, matrix.baseAddress!, partials.baseAddress, scaled.baseAddress, weights))
            let next = AtomicCounter()
            BLASThreads.withSingleThread {
              DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let (values, matrix, partials, scaled, weights) = shared.value
                let product = UnsafeMutablePointer<Float>.allocate(capacity: Self.tileWidth * Self.tileWidth)
                defer { product.deallocate() }
                let strip = scaled.map { $0 + worker * Self.stripRows * dim }
                while true {
                  let index = next.increment()
                  guard index < items else { return }
                  let (group, tile) = (groups[index / tiles.count], tiles[index % tiles.count])
                  let base = separate ? partials! + (index / tiles.count) * dim * dim : matrix
                  let target = base + tile.rows.lowerBound * dim + tile.columns.lowerBound
                  if separate { Self.clear(target, tile: tile, ldc: dim) }
                  for low in stride(from: group.lowerBound, to: group.upperBound, by: Self.stripRows) {
                    let count = min(Self.stripRows, group.upperBound - low)
                    var rows = UnsafePointer(values + low * dim)
                    if let weights, let strip {
                      for r in 0..<count {
                        let scale = Float(weights[firstID + low + r].squareRoot())
                        for c in 0..<dim { strip[r * dim + c] = rows[r * dim + c] * scale }
                      }
                      rows = UnsafePointer(strip)
                    }
                    Self.addStrip(rows, count: count, dim: dim, tile: tile, scratch: product, into: target)
                  }
                }
              }
            }
          }
        }
      }
    }
    guard separate else { return }
    partials.withUnsafeBufferPointer { partials in
      matrix.withUnsafeMutableBufferPointer { matrix in
        for group in groups.indices {
          let sums = partials.baseAddress! + group * dim * dim
          for tile in tiles {
            for r in tile.rows {
              let columns = (tile.rows == tile.columns ? r : tile.columns.lowerBound)..<tile.columns.upperBound
              for c in columns { matrix[r * dim + c] += sums[r * dim + c] }
            }
          }
        }
      }
    }
  }

  /// The tile's product of one strip of rows in float32, added to its Double sums.
  private static func addStrip(
    _ rows: UnsafePointer<Float>, count: Int, dim: Int, tile: (rows: Range<Int>, columns: Range<Int>),
    scratch: UnsafeMutablePointer<Float>, into target: UnsafeMutablePointer<Double>
  ) {
    let (p, q) = (tile.rows.count, tile.columns.count)
    let diagonal = tile.rows == tile.columns
    if diagonal {
      MatrixTiles.transposedSquare(rows + tile.rows.lowerBound, lda: dim, rows: count, p: p, into: scratch, ldc: q)
    } else {
      MatrixTiles.transposedProduct(
        rows + tile.rows.lowerBound, lda: dim, rows + tile.columns.lowerBound, ldb: dim, rows: count, p: p, q: q,
        into: scratch, ldc: q)
    }
    for r in 0..<p {
      for c in (diagonal ? r : 0)..<q { target[r * dim + c] += Double(scratch[r * q + c]) }
    }
  }

  private static func clear(_ target: UnsafeMutablePointer<Double>, tile: (rows: Range<Int>, columns: Range<Int>), ldc: Int) {
    for r in 0..<tile.rows.count {
      (target + r * ldc).update(repeating: 0, count: tile.columns.count)
    }
  }
}
