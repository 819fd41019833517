import Dispatch

/// EᵀE in Double, accumulated block by block in the report's pass: what the truncated-SVD
/// baseline's exact error needs.
///
/// Rows are widened to Double a slab at a time and added with BLAS, tile by tile: diagonal tiles
/// by `dsyrk`, the others by `dgemm`. The tiles are fixed by the dimension alone and each is one
/// single-threaded BLAS call, so the sums are the same bits for any thread count.
final class GramAccumulator {
  let dim: Int
  /// `dim × dim`, row-major; the upper triangle holds EᵀE (the lower is never written).
  private(set) var matrix: [Double]
  private let tiles: [(rows: Range<Int>, columns: Range<Int>)]
  private let slabRows: Int
  private var slab: [Double]

  /// Tiles of 128 columns keep each BLAS call large enough to run near peak.
  static let tileWidth = 128
  /// The widened rows held at a time (8 MiB of Double).
  static let slabBytes = 8 << 20

  /// The bytes it holds for `dim` columns that grow with them: the matrix and LAPACK's copy
  /// afterwards. The slab is a fixed 8 MiB, like the pass's read blocks, and is not counted.
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
    slabRows = max(1, Self.slabBytes / (dim * 8))
    slab = []
  }

  /// Adds the rows of `block`; with `weights` (every id's count) each row times √w_i, so the
  /// matrix is Eᵀ·diag(w)·E, the Gram matrix of √w⊙E.
  func add(_ block: RowBlock, weights: [Double]? = nil, threads: Int) {
    if slab.isEmpty { slab = [Double](repeating: 0, count: min(slabRows, block.rowCount) * dim) }
    var start = 0
    while start < block.rowCount {
      let count = min(slabRows, block.rowCount - start, slab.count / dim)
      widen(block, rows: start..<(start + count), weights: weights, threads: threads)
      addSlab(rows: count, threads: threads)
      start += count
    }
  }

  private func widen(_ block: RowBlock, rows: Range<Int>, weights: [Double]?, threads: Int) {
    let dim = self.dim
    let source = UncheckedSendable(block.values.baseAddress! + rows.lowerBound * dim)
    let firstID = block.firstRow + rows.lowerBound
    weights.withOptionalBuffer { weights in
      slab.withUnsafeMutableBufferPointer { target in
        let target = UncheckedSendable((target.baseAddress!, weights))
        _ = ChunkedRows.map(rows: 0..<rows.count, threads: threads) { chunk in
          let (target, weights) = target.value
          if let weights {
            for row in chunk {
              let scale = weights[firstID + row].squareRoot()
              for c in (row * dim)..<((row + 1) * dim) { target[c] = Double(source.value[c]) * scale }
            }
          } else {
            for index in (chunk.lowerBound * dim)..<(chunk.upperBound * dim) {
              target[index] = Double(source.value[index])
            }
          }
        }
      }
    }
  }

  private func addSlab(rows: Int, threads: Int) {
    let dim = self.dim
    let tiles = self.tiles
    slab.withUnsafeBufferPointer { slab in
      matrix.withUnsafeMutableBufferPointer { matrix in
        let pointers = UncheckedSendable((slab.baseAddress!, matrix.baseAddress!))
        let next = AtomicCounter()
        BLASThreads.withSingleThread {
          DispatchQueue.concurrentPerform(iterations: max(1, min(threads, tiles.count))) { _ in
            let (slab, matrix) = pointers.value
            while true {
              let index = next.increment()
              guard index < tiles.count else { return }
              let tile = tiles[index]
              let target = matrix + tile.rows.lowerBound * dim + tile.columns.lowerBound
              if tile.rows == tile.columns {
                MatrixTiles.addTransposedSquare(
                  slab + tile.rows.lowerBound, lda: dim, rows: rows, p: tile.rows.count, into: target, ldc: dim)
              } else {
                MatrixTiles.addTransposedProduct(
                  slab + tile.rows.lowerBound, lda: dim, slab + tile.columns.lowerBound, ldb: dim, rows: rows,
                  p: tile.rows.count, q: tile.columns.count, into: target, ldc: dim)
              }
            }
          }
        }
      }
    }
  }
}
