import Dispatch

extension CosineNeighbors {
  /// `nearest`'s lists for rows close to rows already searched, mostly without a search of their own.
  ///
  /// Unit rows u, v and their perturbed unit rows û, v̂ (each of length one, or zero) have
  /// |⟨û,v̂⟩ − ⟨u,v⟩| ≤ ‖û−u‖ + ‖v̂−v‖. So when a query's k best perturbed cosines among its
  /// `wide` nearest original rows all beat its `wide`-th original cosine by more than its own
  /// perturbation, the corpus's largest and float32's rounding, no other row can enter its list:
  /// those k are the list. The rest are searched in full. The int8 and float16 rows move
  /// cosines by about 1e-2 and 1e-3, far less than the gaps between the 10th and the 40th
  /// neighbour, so their searches become a few thousand dot products.
  ///
  /// Candidates are scored in Double from the float32 unit rows, ties to the smaller index: the
  /// same lists as `nearest` except where two cosines differ by float32's rounding of its product.
  ///
  ///     let (wide, floors) = try CosineNeighbors.nearestWithFloors(corpus: unit, count: n, dim: d,
  ///                                                                queries: q, k: 40, threads: 2)
  ///     let near = try CosineNeighbors.nearest(corpus: rounded, near: unit, candidates: wide, floors: floors,
  ///                                            wide: 40, count: n, dim: d, queries: q, k: 10, threads: 2)
  ///
  /// - Parameters:
  ///   - corpus: the perturbed unit rows, `count × dim`; `original`: the unit rows searched before.
  ///   - candidates: that search's `wide` nearest per query (`queries.count × wide`); `floors`, its
  ///     `wide`-th cosine per query.
  /// - Returns: the lists (`queries.count × k`) and how many queries were searched in full.
  static func nearest(
    corpus: [Float], near original: [Float], candidates: [Int32], floors: [Float], wide: Int, count: Int, dim: Int,
    queries: [Int], k: Int, threads: Int
  ) throws -> (found: [Int32], searchedInFull: Int) {
    precondition(k >= 1 && k <= wide && wide < count && candidates.count == queries.count * wide)
    let perturbation = perturbations(corpus, original, count: count, dim: dim, threads: threads)
    let largest = perturbation.max() ?? 0
    // float32's rounding of the floor (an sgemm product of unit rows) and of the unit rows.
    let slack = Double(dim) * 2.4e-7 + 1e-5
    // Every other row is a candidate: there is nothing outside to beat.
    let covered = wide == count - 1
    var found = [Int32](repeating: -1, count: queries.count * k)
    var settled = [Bool](repeating: false, count: queries.count)
    corpus.withUnsafeBufferPointer { corpus in
      found.withUnsafeMutableBufferPointer { found in
        settled.withUnsafeMutableBufferPointer { settled in
          let shared = UncheckedSendable((corpus.baseAddress!, found.baseAddress!, settled.baseAddress!))
          // Each query rescores `wide` rows: chunks of 64 queries keep both cores busy.
          _ = ChunkedRows.map(rows: 0..<queries.count, threads: threads, chunkRows: 64) { chunk in
            let (corpus, found, settled) = shared.value
            var scored: [(cosine: Double, row: Int32)] = []
            scored.reserveCapacity(wide)
            for index in chunk {
              let bound = Double(floors[index]) + (perturbation[queries[index]] + largest) * (1 + 1e-5) + slack
              // No cosine exceeds 1: such a query is searched in full, without scoring its candidates.
              guard covered || bound < 1 else { continue }
              let query = corpus + queries[index] * dim
              scored.removeAll(keepingCapacity: true)
              for row in candidates[(index * wide)..<((index + 1) * wide)] {
                let other = corpus + Int(row) * dim
                var lanes = SIMD8<Double>()
                var c = 0
                while c + 8 <= dim {
                  for j in 0..<8 { lanes[j] += Double(query[c + j]) * Double(other[c + j]) }
                  c += 8
                }
                var cosine = lanes.sum()
                while c < dim {
                  cosine += Double(query[c]) * Double(other[c])
                  c += 1
                }
                scored.append((cosine, row))
              }
              scored.sort { $0.cosine != $1.cosine ? $0.cosine > $1.cosine : $0.row < $1.row }
              guard covered || scored[k - 1].cosine > bound else { continue }
              for j in 0..<k { found[index * k + j] = scored[j].row }
              settled[index] = true
            }
            return ()
          }
        }
      }
    }
    let unsettled = queries.indices.filter { !settled[$0] }
    if !unsettled.isEmpty {
      let searched = try nearest(
        corpus: corpus, count: count, dim: dim, queries: unsettled.map { queries[$0] }, k: k, threads: threads)
      for (position, index) in unsettled.enumerated() {
        found[(index * k)..<((index + 1) * k)] = searched[(position * k)..<((position + 1) * k)]
      }
    }
    return (found, unsettled.count)
  }

  /// ‖û_i − u_i‖ per row, in Double.
  private static func perturbations(_ perturbed: [Float], _ original: [Float], count: Int, dim: Int, threads: Int)
    -> [Double]
  {
    perturbed.withUnsafeBufferPointer { perturbed in
      original.withUnsafeBufferPointer { original in
        let shared = UncheckedSendable((perturbed.baseAddress!, original.baseAddress!))
        return ChunkedRows.map(rows: 0..<count, threads: threads) { chunk in
          let (perturbed, original) = shared.value
          return chunk.map { i in
            let row = i * dim
            var squares = 0.0
            for c in 0..<dim {
              let difference = Double(perturbed[row + c]) - Double(original[row + c])
              squares += difference * difference
            }
            return squares.squareRoot()
          }
        }.flatMap { $0 }
      }
    }
  }
}
