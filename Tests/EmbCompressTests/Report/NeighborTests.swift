import Foundation
import Testing

@testable import EmbCompress

/// The seeded sample and the exact cosine neighbours of the neighbour check.
@Suite struct NeighborTests {
  @Test func keysAreSplitMix64Outputs() {
    // SplitMix64 seeded with 0 starts 0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4.
    #expect(NeighborSample.key(of: 0, seed: 0) == 0xE220_A839_7B1D_CDAF)
    #expect(NeighborSample.key(of: 1, seed: 0) == 0x6E78_9E6A_A1B9_65F4)
  }

  @Test func sampleIsTheSmallestKeys() {
    let rows = 5000, size = 300
    let sample = NeighborSample(rows: rows, size: size, seed: 42)
    #expect(sample.ids.count == size)
    #expect(sample.ids == sample.ids.sorted() && Set(sample.ids).count == size)
    #expect(Set(sample.byKey) == Set(sample.ids))
    let keys = sample.byKey.map { NeighborSample.key(of: $0, seed: 42) }
    #expect(keys == keys.sorted())
    let largestKept = keys.last!
    let chosen = Set(sample.ids)
    #expect((0..<rows).allSatisfy { chosen.contains($0) || NeighborSample.key(of: $0, seed: 42) > largestKept })
    #expect(NeighborSample(rows: rows, size: size, seed: 42) == sample)
    #expect(NeighborSample(rows: rows, size: size, seed: 43).ids != sample.ids)
  }

  @Test func aBoundTooLowIsRaisedUntilEnoughKeysFallUnderIt() {
    let (rows, size) = (5000, 300)
    let smallest = Set((0..<rows).sorted {
      (NeighborSample.key(of: $0, seed: 3), $0) < (NeighborSample.key(of: $1, seed: 3), $1)
    }.prefix(size))
    for fraction in [1e-6, 0.01, 0.5] {
      let kept = NeighborSample.smallestKeys(rows: rows, size: size, seed: 3, fraction: fraction)
      #expect(kept.count >= size)
      #expect(smallest.isSubset(of: Set(kept.map(\.id))))
    }
    #expect(NeighborSample(rows: rows, size: size, seed: 3).ids == smallest.sorted())
  }

  @Test func smallTablesAreSampledWhole() {
    let sample = NeighborSample(rows: 7, size: 20, seed: 1)
    #expect(sample.ids == Array(0..<7))
    #expect(sample.byKey.sorted() == Array(0..<7))
  }

  /// Brute force in Double: by descending cosine, ties to the smaller index, the query excluded.
  private func reference(_ rows: [Float], count: Int, dim: Int, query: Int, k: Int) -> [Int32] {
    func norm(_ i: Int) -> Double { (0..<dim).reduce(0.0) { $0 + pow(Double(rows[i * dim + $1]), 2) }.squareRoot() }
    let scored = (0..<count).filter { $0 != query }.map { j -> (Double, Int) in
      let dot = (0..<dim).reduce(0.0) { $0 + Double(rows[query * dim + $1]) * Double(rows[j * dim + $1]) }
      let scale = norm(query) * norm(j)
      return (scale > 0 ? dot / scale : 0, j)
    }
    return scored.sorted { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }.prefix(k).map { Int32($0.1) }
  }

  @Test(arguments: [1, 3])
  func nearestAgreesWithBruteForce(threads: Int) throws {
    var random = TestRandom(seed: 8)
    let count = 400, dim = 9, k = 10
    let rows = (0..<(count * dim)).map { _ in Float(random.normal()) }
    let queries = [0, 399, 17, 200] + Array(100..<170)
    let found = try CosineNeighbors.nearest(
      corpus: CosineNeighbors.normalized(rows, count: count, dim: dim), count: count, dim: dim, queries: queries, k: k,
      threads: threads)
    for (index, query) in queries.enumerated() {
      #expect(Array(found[(index * k)..<((index + 1) * k)]) == reference(rows, count: count, dim: dim, query: query, k: k))
    }
  }

  /// E's unit rows and their `wide` nearest lists with floors, as the neighbour check makes them.
  private func candidates(_ rows: [Float], count: Int, dim: Int, queries: [Int], wide: Int) throws
    -> (unit: [Float], lists: [Int32], floors: [Float])
  {
    let unit = CosineNeighbors.normalized(rows, count: count, dim: dim)
    let (lists, floors) = try CosineNeighbors.nearestWithFloors(
      corpus: unit, count: count, dim: dim, queries: queries, k: wide, threads: 2)
    return (unit, lists, floors)
  }

  @Test(arguments: [1, 3])
  func slightlyMovedRowsAreSettledByTheirCandidates(threads: Int) throws {
    var random = TestRandom(seed: 21)
    let count = 600, dim = 24, k = 5, wide = 40
    let rows = (0..<(count * dim)).map { _ in Float(random.normal()) }
    let moved = rows.map { $0 + Float(0.002 * random.normal()) }
    let queries = Array(0..<count).filter { $0 % 7 == 3 }
    let (unit, lists, floors) = try candidates(rows, count: count, dim: dim, queries: queries, wide: wide)
    let (found, full) = try CosineNeighbors.nearest(
      corpus: CosineNeighbors.normalized(moved, count: count, dim: dim), near: unit, candidates: lists, floors: floors,
      wide: wide, count: count, dim: dim, queries: queries, k: k, threads: threads)
    // Moves of 0.2% leave no query's list in doubt: none needs a search of its own.
    #expect(full == 0)
    for (index, query) in queries.enumerated() {
      #expect(Array(found[(index * k)..<((index + 1) * k)]) == reference(moved, count: count, dim: dim, query: query, k: k))
    }
  }

  @Test func aRowMovedFromFarAwayIsFoundByTheFullSearch() throws {
    var random = TestRandom(seed: 5)
    let count = 300, dim = 16, k = 4, wide = 12
    let rows = (0..<(count * dim)).map { _ in Float(random.normal()) }
    let queries = [0, 1, 2]
    let (unit, lists, floors) = try candidates(rows, count: count, dim: dim, queries: queries, wide: wide)
    // Row `far` is none of query 0's candidates; moved onto query 0 it becomes its nearest.
    let far = (3..<count).first { !lists[0..<wide].contains(Int32($0)) }!
    var moved = rows
    for c in 0..<dim { moved[far * dim + c] = rows[c] }
    let (found, full) = try CosineNeighbors.nearest(
      corpus: CosineNeighbors.normalized(moved, count: count, dim: dim), near: unit, candidates: lists, floors: floors,
      wide: wide, count: count, dim: dim, queries: queries, k: k, threads: 2)
    #expect(full == queries.count)
    #expect(found[0] == Int32(far))
    for (index, query) in queries.enumerated() {
      #expect(Array(found[(index * k)..<((index + 1) * k)]) == reference(moved, count: count, dim: dim, query: query, k: k))
    }
  }

  @Test func candidatesCoveringTheCorpusNeedNoBound() throws {
    var random = TestRandom(seed: 9)
    let count = 30, dim = 6, k = 3
    let rows = (0..<(count * dim)).map { _ in Float(random.normal()) }
    let moved = rows.map { $0 + Float(0.5 * random.normal()) }
    let queries = Array(0..<count)
    let (unit, lists, floors) = try candidates(rows, count: count, dim: dim, queries: queries, wide: count - 1)
    let (found, full) = try CosineNeighbors.nearest(
      corpus: CosineNeighbors.normalized(moved, count: count, dim: dim), near: unit, candidates: lists, floors: floors,
      wide: count - 1, count: count, dim: dim, queries: queries, k: k, threads: 2)
    #expect(full == 0)
    for query in queries {
      #expect(Array(found[(query * k)..<((query + 1) * k)]) == reference(moved, count: count, dim: dim, query: query, k: k))
    }
  }

  @Test func tiesGoToTheEarlierRowAndZeroRowsScoreZero() throws {
    // Rows 1, 2 and 4 point the same way as row 0; row 3 is zero; row 5 points away.
    let rows: [Float] = [1, 0, 2, 0, 3, 0, 0, 0, 5, 0, -1, 0]
    let found = try CosineNeighbors.nearest(
      corpus: CosineNeighbors.normalized(rows, count: 6, dim: 2), count: 6, dim: 2, queries: [0, 3], k: 4, threads: 1)
    #expect(Array(found[0..<4]) == [1, 2, 4, 3])
    // A zero query has cosine 0 with everything: the first rows, in order.
    #expect(Array(found[4..<8]) == [0, 1, 2, 4])
  }

  @Test func identicalRowsShareTheFirstOnesCosine() {
    let rows: [Float] = [1, 2, 3, 4, 1, 2, 0, 0, 3, 4, 1, 2]
    #expect(CosineNeighbors.firstIdentical(rows, count: 6, dim: 2) == [0, 1, 0, 3, 1, 0])
    #expect(CosineNeighbors.firstIdentical([1, 2, 3, 4], count: 2, dim: 2) == nil)
  }

  @Test func recallIsTheMeanOverlap() {
    let truth: [Int32] = [1, 2, 3, 4, 5, 6]
    #expect(CosineNeighbors.recall(truth, against: truth, k: 3) == 1)
    #expect(CosineNeighbors.recall([3, 2, 9, 9, 8, 7], against: truth, k: 3) == 2.0 / 6)
  }
}
