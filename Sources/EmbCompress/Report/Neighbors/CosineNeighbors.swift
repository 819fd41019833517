import CKernels
import Dispatch

/// Exact cosine nearest neighbours within a small corpus of rows (the neighbour check's sample).
///
/// Rows are scaled to unit length (a zero row stays zero: its cosine with anything is 0), the
/// cosines of a chunk of queries against the whole corpus come from one BLAS `sgemm`, and each
/// query keeps its k most similar other rows: by descending cosine, ties to the earlier row. The
/// query chunks are fixed and each is one single-threaded BLAS call, so the lists are the same
/// for any thread count.
///
/// Identical rows are real ties — the hashing trick gives every id in a bucket the same row — but
/// `sgemm` may round their cosines differently in different columns. So every row takes the
/// cosine of the first row identical to it, and the ties go to the earlier rows as promised.
enum CosineNeighbors {
  /// Queries per `sgemm`: 256 × a 20,000-row corpus is 20 MB of cosines per thread. Every call
  /// packs the whole corpus again, so fewer, larger calls: 64 spent more in packing than in the
  /// product.
  static let queryChunk = 256

  /// `rows` (`count × dim`) scaled to unit length, the norm taken in Double.
  static func normalized(_ rows: [Float], count: Int, dim: Int) -> [Float] {
    var out = [Float](repeating: 0, count: count * dim)
    for i in 0..<count {
      var squares = 0.0
      for c in 0..<dim { squares += Double(rows[i * dim + c]) * Double(rows[i * dim + c]) }
      guard squares > 0 else { continue }
      let scale = 1 / squares.squareRoot()
      for c in 0..<dim { out[i * dim + c] = Float(Double(rows[i * dim + c]) * scale) }
    }
    return out
  }

  /// For each query (a row index into the corpus), the indices of its `k` nearest other corpus
  /// rows, nearest first: `queries.count × k` values.
  ///
  /// - Parameter corpus: unit rows, `count × dim` (see `normalized`); `k < count`.
  static func nearest(corpus: [Float], count: Int, dim: Int, queries: [Int], k: Int, threads: Int) -> [Int32] {
    precondition(k >= 1 && k < count)
    let twin = firstIdentical(corpus, count: count, dim: dim)
    var result = [Int32](repeating: -1, count: queries.count * k)
    let chunks = stride(from: 0, to: queries.count, by: queryChunk).map { $0..<min(queries.count, $0 + queryChunk) }
    let next = AtomicCounter()
    corpus.withUnsafeBufferPointer { corpus in
      result.withUnsafeMutableBufferPointer { result in
        let shared = UncheckedSendable((corpus.baseAddress!, result.baseAddress!, twin))
        BLASThreads.withSingleThread {
          DispatchQueue.concurrentPerform(iterations: max(1, min(threads, chunks.count))) { _ in
            let (corpus, result, twin) = shared.value
            var block = [Float](repeating: 0, count: queryChunk * dim)
            var cosines = [Float](repeating: 0, count: queryChunk * count)
            var best = [Float](repeating: 0, count: k)
            var found = [Int32](repeating: 0, count: k)
            while true {
              let index = next.increment()
              guard index < chunks.count else { return }
              let chunk = chunks[index]
              for (row, query) in queries[chunk].enumerated() {
                for c in 0..<dim { block[row * dim + c] = corpus[query * dim + c] }
              }
              block.withUnsafeBufferPointer { block in
                cosines.withUnsafeMutableBufferPointer { cosines in
                  MatrixTiles.product(
                    block.baseAddress!, corpus, m: chunk.count, n: count, k: dim, into: cosines.baseAddress!)
                }
              }
              // The selection in C: the common case (not among the k best so far) eight at a time.
              cosines.withUnsafeBufferPointer { cosines in
                twin.withOptionalBuffer { twin in
                  for (row, query) in queries[chunk].enumerated() {
                    ck_top_k(cosines.baseAddress! + row * count, count, query, twin?.baseAddress, k, &best, &found)
                    let target = result + (chunk.lowerBound + row) * k
                    for j in 0..<k { target[j] = found[j] }
                  }
                }
              }
            }
          }
        }
      }
    }
    return result
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
