import CKernels
import Dispatch

/// Exact cosine nearest neighbours within a small corpus of rows (the neighbour check's sample).
///
/// Rows are scaled to unit length (a zero row stays zero: its cosine with anything is 0). A chunk
/// of queries meets the corpus a tile of rows at a time: one BLAS `sgemm` gives the tile's cosines,
/// small enough to stay in cache while each query keeps its k most similar other rows so far, by
/// descending cosine, ties to the earlier row. The chunks and tiles are fixed and each product is
/// one single-threaded BLAS call, so the lists are the same for any thread count.
///
/// Identical rows are real ties — the hashing trick gives every id in a bucket the same row — but
/// `sgemm` may round their cosines differently in different columns. So every row takes the
/// cosine of the first row identical to it (`TwinTies`), and the ties go to the earlier rows as
/// promised.
enum CosineNeighbors {
  /// Queries per `sgemm`.
  static let queryChunk = 256
  /// Corpus rows per `sgemm`: 256 × 1,024 cosines are 1 MB, a core's L2, so the selection reads
  /// them from cache instead of from memory (a whole 20,000-row corpus is 20 MB a chunk).
  static let corpusTile = 1024

  /// `rows` (`count × dim`) scaled to unit length, the norm taken in Double eight lanes wide.
  static func normalized(_ rows: [Float], count: Int, dim: Int) -> [Float] {
    var out = [Float](repeating: 0, count: count * dim)
    normalize(rows, count: count, dim: dim, into: &out, threads: 1)
    return out
  }

  /// The same into `out` (reused from search to search: fresh memory is dear), rows split
  /// over `threads`; each row's values do not depend on the split.
  static func normalize(_ rows: [Float], count: Int, dim: Int, into out: inout [Float], threads: Int) {
    precondition(rows.count >= count * dim && out.count >= count * dim)
    rows.withUnsafeBufferPointer { rows in
      out.withUnsafeMutableBufferPointer { out in
        let shared = UncheckedSendable((rows.baseAddress!, out.baseAddress!))
        _ = ChunkedRows.map(rows: 0..<count, threads: threads) { chunk in
          let (rows, out) = shared.value
          for i in chunk {
            let row = UnsafeBufferPointer(start: rows + i * dim, count: dim)
            let squares = RowComparison(row, row).normSquared
            let target = out + i * dim
            guard squares > 0 else {
              target.update(repeating: 0, count: dim)
              continue
            }
            let scale = 1 / squares.squareRoot()
            for c in 0..<dim { target[c] = Float(Double(row[c]) * scale) }
          }
        }
      }
    }
  }

  /// For each query (a row index into the corpus), the indices of its `k` nearest other corpus
  /// rows, nearest first: `queries.count × k` values.
  ///
  /// - Parameter corpus: unit rows, `count × dim` (see `normalized`); `k < count`.
  /// - Throws: `Interrupted` when a signal asked the run to stop: the workers leave at their next
  ///   corpus tile, since the searches take seconds in a debug build (2026-12-03 signal storm).
  static func nearest(corpus: [Float], count: Int, dim: Int, queries: [Int], k: Int, threads: Int) throws -> [Int32] {
    try nearestWithFloors(corpus: corpus, count: count, dim: dim, queries: queries, k: k, threads: threads).found
  }

  /// `nearest`'s lists, and each query's k-th cosine: what no other row beats.
  static func nearestWithFloors(
    corpus: [Float], count: Int, dim: Int, queries: [Int], k: Int, threads: Int
  ) throws -> (found: [Int32], floors: [Float]) {
    precondition(k >= 1 && k < count)
    let tile = min(count, corpusTile)
    let ties = TwinTies(twin: firstIdentical(corpus, count: count, dim: dim), count: count, tile: tile)
    var result = [Int32](repeating: -1, count: queries.count * k)
    var floors = [Float](repeating: 0, count: queries.count)
    let chunks = stride(from: 0, to: queries.count, by: queryChunk).map { $0..<min(queries.count, $0 + queryChunk) }
    let next = AtomicCounter()
    corpus.withUnsafeBufferPointer { corpus in
      result.withUnsafeMutableBufferPointer { result in
        floors.withUnsafeMutableBufferPointer { floors in
          let shared = UncheckedSendable((corpus.baseAddress!, result.baseAddress!, floors.baseAddress!))
          BLASThreads.withSingleThread {
            DispatchQueue.concurrentPerform(iterations: max(1, min(threads, chunks.count))) { _ in
              let (corpus, result, floors) = shared.value
              let block = UnsafeMutablePointer<Float>.allocate(capacity: queryChunk * dim)
              let cosines = UnsafeMutablePointer<Float>.allocate(capacity: queryChunk * tile)
              let best = UnsafeMutablePointer<Float>.allocate(capacity: queryChunk * k)
              let found = UnsafeMutablePointer<Int32>.allocate(capacity: queryChunk * k)
              let filled = UnsafeMutablePointer<Int>.allocate(capacity: queryChunk)
              let kept = UnsafeMutablePointer<Float>.allocate(capacity: max(1, queryChunk * ties.groups))
              defer {
                block.deallocate()
                cosines.deallocate()
                best.deallocate()
                found.deallocate()
                filled.deallocate()
                kept.deallocate()
              }
              while true {
                let index = next.increment()
                guard index < chunks.count else { return }
                let chunk = chunks[index]
                let chunkQueries = queries[chunk]
                for (row, query) in chunkQueries.enumerated() {
                  (block + row * dim).update(from: corpus + query * dim, count: dim)
                }
                filled.update(repeating: 0, count: chunk.count)
                for (tileIndex, first) in stride(from: 0, to: count, by: tile).enumerated() {
                  if Cancellation.requestedSignal != nil { return }
                  let width = min(tile, count - first)
                  MatrixTiles.product(block, corpus + first * dim, m: chunk.count, n: width, k: dim, into: cosines)
                  ties.apply(tile: tileIndex, first: first, rows: chunk.count, cosines: cosines, width: width, kept: kept)
                  for (row, query) in chunkQueries.enumerated() {
                    ck_top_k_tile(
                      cosines + row * width, width, first, query, k, filled + row, best + row * k, found + row * k)
                  }
                }
                (result + chunk.lowerBound * k).update(from: found, count: chunk.count * k)
                for row in 0..<chunk.count { floors[chunk.lowerBound + row] = best[row * k + k - 1] }
              }
            }
          }
        }
      }
    }
    try Cancellation.checkForSignal()
    return (result, floors)
  }

  /// For each row the index of the first row identical to it; nil when all rows differ.
  ///
  /// By sorting the row indices on the rows' values (−0 as +0, as `==` has it), then one scan
  /// over neighbours in that order: no hashing of rows (hashing 20,000 slices cost more than the
  /// search's setup).
  static func firstIdentical(_ corpus: [Float], count: Int, dim: Int) -> [Int]? {
    var twin = Array(0..<count)
    var order = Array(0..<count)
    var duplicates = false
    corpus.withUnsafeBufferPointer { values in
      func compare(_ a: Int, _ b: Int) -> Int {
        let (x, y) = (values.baseAddress! + a * dim, values.baseAddress! + b * dim)
        for c in 0..<dim where x[c] != y[c] { return x[c] < y[c] ? -1 : 1 }
        return 0
      }
      order.sort { a, b in
        let order = compare(a, b)
        return order != 0 ? order < 0 : a < b
      }
      var groupStart = 0
      for position in 1..<max(1, count) {
        if compare(order[position], order[groupStart]) == 0 {
          // Within a group the indices ascend, so the group's first is the earliest row.
          twin[order[position]] = order[groupStart]
          duplicates = true
        } else {
          groupStart = position
        }
      }
    }
    return duplicates ? twin : nil
  }

  /// The mean over queries of |found ∩ truth| / k, both `queries × k` lists.
  static func recall(_ found: [Int32], against truth: [Int32], k: Int) -> Double {
    precondition(found.count == truth.count && k >= 1)
    let queries = found.count / k
    guard queries > 0 else { return 0 }
    var overlap = 0
    for q in 0..<queries {
      let expected = truth[(q * k)..<((q + 1) * k)]
      for index in found[(q * k)..<((q + 1) * k)] where expected.contains(index) { overlap += 1 }
    }
    return Double(overlap) / Double(queries * k)
  }
}
