import Foundation
import Testing

@testable import EmbCompress

/// The int8 row-wise and float16 rules, value by value.
@Suite struct QuantizationBaselineTests {
  private func int8(_ row: [Float]) -> [Float] {
    var out = [Float](repeating: 0, count: row.count)
    row.withUnsafeBufferPointer { row in out.withUnsafeMutableBufferPointer { Int8RowwiseQuantization.reconstruct(row, into: $0) } }
    return out
  }

  @Test func int8UsesMinAndRangeOver255() {
    // min -1, max 1: scale 2/255 in float32.
    let scale = Float(2) / 255
    let rebuilt = int8([-1, 0, 1, 0.5])
    #expect(rebuilt[0] == -1)
    #expect(rebuilt[1] == ((0 + 1) / scale).rounded(.toNearestOrEven) * scale + -1)
    #expect(rebuilt[2] == Float(255) * scale + -1)
    #expect(rebuilt[3] == ((0.5 + 1) / scale).rounded(.toNearestOrEven) * scale + -1)
    #expect(abs(rebuilt[2] - 1) < 1e-6)
  }

  @Test func int8RoundsHalfStepsToEven() {
    // min 0, max 255: scale exactly 1, so 2.5 and 3.5 are exact half steps.
    #expect(int8([0, 2.5, 3.5, 255]) == [0, 2, 4, 255])
  }

  @Test func int8KeepsAConstantRowExactly() {
    #expect(int8([3.25, 3.25, 3.25]) == [3.25, 3.25, 3.25])
  }

  @Test func int8ErrorIsTheRebuiltRowsError() {
    var random = TestRandom(seed: 3)
    let row = (0..<97).map { _ in Float(random.normal()) }
    let rebuilt = int8(row)
    let expected = zip(row, rebuilt).reduce(0.0) { $0 + (Double($1.0) - Double($1.1)) * (Double($1.0) - Double($1.1)) }
    let measured = row.withUnsafeBufferPointer { Int8RowwiseQuantization.squaredError($0) }
    #expect(measured == expected)
    // At most half a step per value.
    let step = Double((row.max()! - row.min()!) / 255)
    #expect(measured <= Double(row.count) * step * step / 4 * 1.0001)
    #expect(measured > 0)
  }

  @Test func float16RoundsToNearestAndClampsToItsRange() {
    #expect(Float16Rounding.rounded(1) == 1)
    #expect(Float16Rounding.rounded(1.0 / 3) == Float(Float16(Float(1.0 / 3))))
    #expect(Float16Rounding.rounded(70000) == 65504)
    #expect(Float16Rounding.rounded(-1e9) == -65504)
    let row: [Float] = [1.0 / 3, 2, 70000]
    let expected = row.reduce(0.0) { $0 + pow(Double($1) - Double(Float16Rounding.rounded($1)), 2) }
    #expect(row.withUnsafeBufferPointer { Float16Rounding.squaredError($0) } == expected)
  }

  @Test func storedBytes() {
    #expect(Int8RowwiseQuantization.bytes(rows: 512, dim: 384) == 512 * 384 + 512 * 8)
    #expect(Float16Rounding.bytes(rows: 512, dim: 384) == 512 * 384 * 2)
    #expect(TruncatedSVDBaseline.bytes(rank: 3, rows: 10, dim: 4) == 3 * 14 * 4)
    #expect(HashBaseline.bytes(buckets: 5, dim: 4, precision: .f16) == 40)
  }

  @Test func sizesAreTheLargestWithinTheBudget() {
    #expect(TruncatedSVDBaseline.largestRank(rows: 512, dim: 384, budget: 202_752) == 56)
    #expect(TruncatedSVDBaseline.largestRank(rows: 512, dim: 384, budget: 3583) == 0)
    #expect(TruncatedSVDBaseline.largestRank(rows: 10, dim: 4, budget: 1 << 20) == 4)
    #expect(HashBaseline.largestBuckets(rows: 512, dim: 384, precision: .f32, budget: 202_752) == 132)
    #expect(HashBaseline.largestBuckets(rows: 512, dim: 384, precision: .f16, budget: 202_752) == 264)
    #expect(HashBaseline.largestBuckets(rows: 100, dim: 2, precision: .f32, budget: 1 << 20) == 100)
  }
}
