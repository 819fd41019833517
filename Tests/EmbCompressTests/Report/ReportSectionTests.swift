import Foundation
import Testing

@testable import EmbCompress

/// The histogram, the worst rows and the sentences that rank the fit.
@Suite struct ReportSectionTests {
  @Test func histogramBinsAreFixed() {
    #expect(ErrorHistogram.bin(of: 0) == 0)
    #expect(ErrorHistogram.bin(of: 0.0499) == 0)
    #expect(ErrorHistogram.bin(of: 0.05) == 1)
    #expect(ErrorHistogram.bin(of: 0.15) == 3)
    #expect(ErrorHistogram.bin(of: 0.99) == 19)
    #expect(ErrorHistogram.bin(of: 1) == 19)
    #expect(ErrorHistogram.bin(of: 1.0001) == nil)
    let histogram = ErrorHistogram([0, 0.5, 0.51, 1, 1.5, 3])
    #expect(histogram.binEdges.count == 21 && histogram.binEdges[1] == 0.05 && histogram.binEdges.last == 1)
    #expect(histogram.counts.count == 20)
    #expect(histogram.counts[0] == 1 && histogram.counts[10] == 2 && histogram.counts[19] == 1)
    #expect(histogram.overflow == 2)
    #expect(histogram.counts.reduce(0, +) + histogram.overflow == 6)
  }

  @Test func worstRowsAreLargestFirstTiesToTheSmallerID() {
    let relative: [Float] = [0.1, 0.9, 0.3, 0.9, 0.5, 0.05]
    let norm: [Float] = [1, 2, 3, 4, 5, 6]
    let worst = WorstRow.largest(3, relative: relative, norm: norm)
    #expect(worst.map(\.id) == [1, 3, 4])
    #expect(worst.map(\.norm) == [2, 4, 5])
    #expect(WorstRow.largest(10, relative: relative, norm: norm).map(\.id) == [1, 3, 4, 2, 0, 5])
    // Lists kept per chunk and merged give the one list, in whichever order they merge.
    var first = WorstRowList(capacity: 3), second = WorstRowList(capacity: 3)
    for id in 0..<3 { first.offer(error: relative[id], id: id, norm: norm[id]) }
    for id in 3..<6 { second.offer(error: relative[id], id: id, norm: norm[id]) }
    var merged = second
    merged.merge(first)
    #expect(merged.worstRows == worst)
  }

  private func baseline(_ method: Baseline.Method, bytes: Int, error: Double) -> Baseline {
    Baseline(method: method, bytes: bytes, inputBytes: 1000, relativeFrobenius: error, precision: "f32")
  }

  @Test func aFarBetterBaselineIsNamed() {
    let comparison = BaselineComparison(
      fitLabel: "qr-mult", fitBytes: 100, fitError: 0.46,
      baselines: [
        baseline(.int8Rowwise, bytes: 99, error: 0.007), baseline(.float16, bytes: 200, error: 0.0002),
        baseline(.truncatedSVD, bytes: 100, error: 0.31), baseline(.hash, bytes: 100, error: 0.85),
      ])
    #expect(comparison.rank == 3)
    #expect(comparison.ranking == "ranks 3rd of 4 at ≤ 1.2× its size: int8-rowwise 0.007, truncated-svd 0.31, qr-mult 0.46 (this fit), hash 0.85")
    #expect(comparison.verdict.hasPrefix("int8-rowwise is far better at this size: relative error 0.007 against 0.46 (65.7× lower) in 0.99× the bytes."))
    #expect(comparison.largerSummary == "float16 0.0002 at 2.00× the bytes")
  }

  @Test func aFitThatWinsSaysSo() {
    let comparison = BaselineComparison(
      fitLabel: "qr-add", fitBytes: 100, fitError: 0.001,
      baselines: [baseline(.truncatedSVD, bytes: 100, error: 0.2), baseline(.hash, bytes: 120, error: 0.9)])
    #expect(comparison.rank == 1)
    #expect(comparison.ranking.hasPrefix("ranks 1st of 3"))
    #expect(comparison.verdict == "The fit beats every baseline of comparable size.")
    #expect(comparison.largerSummary == nil)
  }

  @Test func winningAmongPoorOptionsIsNotCalledGood() {
    let comparison = BaselineComparison(
      fitLabel: "qr-mult", fitBytes: 100, fitError: 0.998, baselines: [baseline(.hash, bytes: 100, error: 0.999)])
    #expect(comparison.rank == 1)
    #expect(comparison.verdict == "The fit beats every baseline of comparable size. A relative error of 0.998 means the fit explains only 0.4% of the table's squared norm (1 − error²).")
  }

  @Test func aNarrowLossIsNotCalledFarBetter() {
    let comparison = BaselineComparison(
      fitLabel: "qr-mult", fitBytes: 100, fitError: 0.3, baselines: [baseline(.truncatedSVD, bytes: 100, error: 0.2)])
    #expect(comparison.verdict == "Better at this size: truncated-svd; none by a factor of 2 or more.")
    #expect(BaselineComparison.ordinal(11) == "11th" && BaselineComparison.ordinal(22) == "22nd")
  }
}
