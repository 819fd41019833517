import EmbCompress
import Testing

@Suite struct CompositionalLayoutTests {
  @Test func qrFollowsDLRM() throws {
    let layout = try CompositionalLayout(rows: 30522, dim: 384, scheme: .qr, operation: .mult)
    #expect(layout.partitions == [
      Partition(tensor: "weight_q", divisor: 4, modulus: 7631, dim: 384),
      Partition(tensor: "weight_r", divisor: 1, modulus: 4, dim: 384),
    ])
    #expect(layout.buckets(of: 30521) == [7630, 1])
  }

  @Test func concatSplitsDimEvenlyQuotientFirst() throws {
    let layout = try CompositionalLayout(rows: 100, dim: 7, scheme: .qr, operation: .concat, sizing: .collisions(10))
    #expect(layout.partitions.map(\.dim) == [4, 3])
    let given = try CompositionalLayout(
      rows: 100, dim: 7, scheme: .qr, operation: .concat, sizing: .collisions(10), concatDims: [2, 5])
    #expect(given.partitions.map(\.dim) == [2, 5])
  }

  @Test func gqrIsMixedRadix() throws {
    let layout = try CompositionalLayout(rows: 1000, dim: 4, scheme: .gqr, operation: .mult, sizing: .moduli([10, 10, 10]))
    #expect(layout.partitions.map(\.divisor) == [1, 10, 100])
    #expect(layout.buckets(of: 987) == [7, 8, 9])
    let auto = try CompositionalLayout(rows: 1001, dim: 4, scheme: .gqr, operation: .mult, sizing: .partitions(3))
    let moduli = auto.partitions.map(\.modulus)
    #expect(moduli.reduce(1, *) >= 1001)
    #expect(moduli.allSatisfy { (10...11).contains($0) })
  }

  @Test func crtIsPairwiseCoprime() throws {
    let layout = try CompositionalLayout(rows: 1000, dim: 4, scheme: .crt, operation: .add, sizing: .partitions(3))
    let moduli = layout.partitions.map(\.modulus)
    #expect(layout.partitions.allSatisfy { $0.divisor == 1 })
    #expect(moduli.reduce(1, *) >= 1000)
    for i in 0..<3 { for j in (i + 1)..<3 { #expect(gcd(moduli[i], moduli[j]) == 1) } }
    // Complementary: every id in range gets its own tuple of buckets.
    #expect(Set((0..<1000).map { layout.buckets(of: $0) }).count == 1000)
  }

  private func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }

  @Test func ratioPicksTheClosestSizingNotUnderTheTarget() throws {
    for scheme in PartitionScheme.allCases {
      let layout = try CompositionalLayout(rows: 30522, dim: 64, scheme: scheme, operation: .mult, sizing: .ratio(4))
      let ratio = Double(30522 * 64 * 4) / Double(TableRule(layout).tensorBytes(precision: .f32))
      #expect(ratio >= 4, "\(scheme)")
      #expect(ratio < 4.1, "\(scheme): \(ratio)")
    }
    let hash = try CompositionalLayout(rows: 1000, dim: 8, scheme: .hash, operation: .mult, sizing: .ratio(4))
    #expect(hash.partitions.map(\.modulus) == [250])
  }

  @Test(arguments: [
    (PartitionScheme.qr, Sizing.collisions(0), "--collisions must be at least 1, not 0"),
    (.qr, .collisions(101), "--collisions 101 is more than the table's 100 rows"),
    (.gqr, .moduli([5, 5]), "--moduli 5·5 = 25 is less than the 100 rows, so some ids would share every bucket"),
    (.crt, .moduli([10, 12]), "--moduli 10 and 12 share the factor 2; crt needs pairwise coprime moduli"),
    (.crt, .collisions(4), "--scheme crt is sized by --moduli, --partitions or --ratio, not --collisions"),
    (.qr, .moduli([10, 10]), "--scheme qr is sized by --collisions or --ratio, not --moduli or --partitions"),
    (.gqr, .partitions(1), "--partitions must be at least 2, not 1"),
    (.hash, .ratio(1000), "--ratio 1000.0 is out of reach for --scheme hash: the most it can compress this table is 100.00×"),
  ])
  func badSizingSaysWhy(scheme: PartitionScheme, sizing: Sizing, message: String) {
    #expect(throws: EmbCompressError.invalidArguments(detail: message)) {
      try CompositionalLayout(rows: 100, dim: 4, scheme: scheme, operation: .mult, sizing: sizing)
    }
  }

  @Test func badConcatDimsSayWhy() {
    #expect(throws: EmbCompressError.invalidArguments(detail: "--concat-dims sum to 5, not the table's dim 4")) {
      try CompositionalLayout(rows: 100, dim: 4, scheme: .qr, operation: .concat, concatDims: [2, 3])
    }
    #expect(throws: EmbCompressError.invalidArguments(detail: "--concat-dims has 3 widths for 2 partitions")) {
      try CompositionalLayout(rows: 100, dim: 4, scheme: .qr, operation: .concat, concatDims: [2, 1, 1])
    }
    #expect(throws: EmbCompressError.invalidArguments(detail: "--concat-dims only applies to --operation concat")) {
      try CompositionalLayout(rows: 100, dim: 4, scheme: .qr, operation: .add, concatDims: [2, 2])
    }
  }
}
