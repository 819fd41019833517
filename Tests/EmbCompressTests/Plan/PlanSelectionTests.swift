@testable import EmbCompress
import Testing

/// The frontier and the goal's pick, on hand-made candidates.
@Suite struct PlanSelectionTests {
  func candidate(_ m: Int, bytes: Int, error: Double, estimated: Bool = false) -> PlanCandidate {
    PlanCandidate(
      rule: CandidateRule(scheme: .qr, operation: .mult, moduli: [m]), bytes: bytes, ratio: 1000 / Double(bytes),
      relativeFrobenius: error, estimated: estimated, seconds: 0)
  }

  @Test func frontierKeepsOnlyUnbeatenPoints() {
    let all = [
      candidate(1, bytes: 100, error: 0.5), candidate(2, bytes: 200, error: 0.6), candidate(3, bytes: 300, error: 0.2),
      candidate(4, bytes: 300, error: 0.1), candidate(5, bytes: 50, error: 0.9),
    ]
    #expect(Frontier.of(all).map(\.rule.moduli[0]) == [5, 1, 4])
  }

  @Test func budgetPicksTheLowestErrorWithin() {
    let all = [candidate(1, bytes: 100, error: 0.5), candidate(2, bytes: 200, error: 0.3), candidate(3, bytes: 400, error: 0.1)]
    #expect(PlanGoal(budget: 250).pick(all, inputFloat32Bytes: 1000)?.rule.moduli == [2])
    #expect(PlanGoal(budget: 50).pick(all, inputFloat32Bytes: 1000) == nil)
  }

  @Test func targetPicksTheFewestBytesWithin() {
    let all = [candidate(1, bytes: 100, error: 0.5), candidate(2, bytes: 200, error: 0.3), candidate(3, bytes: 400, error: 0.1)]
    #expect(PlanGoal(targetError: 0.35).pick(all, inputFloat32Bytes: 1000)?.rule.moduli == [2])
    #expect(PlanGoal(targetError: 0.05).pick(all, inputFloat32Bytes: 1000) == nil)
    #expect(PlanGoal(budget: 150, targetError: 0.35).pick(all, inputFloat32Bytes: 1000) == nil)
  }

  @Test func defaultPicksTheSmallestNearTheBestAtAQuarter() {
    // The best within 250 bytes is 0.10; 0.105 is within 10% of it in half the bytes.
    let all = [candidate(1, bytes: 100, error: 0.105), candidate(2, bytes: 200, error: 0.1), candidate(3, bytes: 600, error: 0.01)]
    #expect(PlanGoal().pick(all, inputFloat32Bytes: 1000)?.rule.moduli == [1])
  }

  @Test func predictedFitTimesAreAConversionForClosedFormsAndScaledForIterativeOnes() throws {
    let table = ArrayTableSource(rows: 1000, dim: 4, values: [Float](repeating: 1, count: 4000))
    var search = PlanSearch.Search(table: table, fit: FitOptions(), inputBytes: 16000)
    search.oneConversion = 2
    search.screenOptions = SampleScreen(source: table, fit: FitOptions()).options
    // Bucket means, backfitting on bucket sums, the Gram route on a full grid: one conversion.
    #expect(search.predictedSeconds(CandidateRule(scheme: .hash, operation: .mult, moduli: [100])) == 2)
    #expect(search.predictedSeconds(CandidateRule(scheme: .qr, operation: .add, moduli: [8])) == 2)
    #expect(search.predictedSeconds(CandidateRule(scheme: .qr, operation: .mult, moduli: [8])) == 2)
    // crt add walks every id each sweep: without a sample, every iteration a conversion.
    let crt = CandidateRule(scheme: .crt, operation: .add, moduli: [10, 11, 13])
    #expect(search.predictedSeconds(crt) == Double(FitOptions().maxIterations + 1) * 2)
    // Other iterative fits without a sample: ten conversions.
    #expect(search.predictedSeconds(CandidateRule(scheme: .gqr, operation: .mult, moduli: [9, 9, 13])) == 20)
    // Its screen on a window of a quarter of the rows: the screen's 25 rounds (+1) at a quarter.
    #expect(search.predictedSeconds(crt, sampleRows: 250) == 26 * 2 * 0.25)
    #expect(search.predictedSeconds(CandidateRule(scheme: .hash, operation: .mult, moduli: [10]), sampleRows: 250) == 0.5)
    // CP from its sample: 0.5 s on 100 rows → ×10 rows, ×4 rounds (100/25), ×4 restarts (8/2).
    let cp = CandidateRule(scheme: .gqr, operation: .mult, moduli: [10, 10, 10])
    search.samples[cp] = (rows: 100, seconds: 0.5)
    #expect(search.predictedSeconds(cp) == 0.5 * 10 * 4 * 4)
  }

  @Test func argvIsExplicitAndRoundTripsToTheLayout() throws {
    let rule = CandidateRule(scheme: .gqr, operation: .add, moduli: [7, 11, 61])
    #expect(rule.argv == ["--scheme", "gqr", "--operation", "add", "--moduli", "7,11,61"])
    let layout = try rule.layout(rows: 4633, dim: 4)
    #expect(CandidateRule(layout: layout) == rule)
    let qr = CandidateRule(scheme: .qr, operation: .concat, moduli: [37])
    #expect(CandidateRule(layout: try qr.layout(rows: 1000, dim: 4)) == qr)
  }

  @Test func closedFormSizesStayWithinTheirRowBudget() {
    for t in [70, 200, 1000, 5000] {
      if let m = CandidateSpace.qrCollisions(rows: 1000, rowBudget: t) { #expect(m + (1000 + m - 1) / m <= t) }
      if let moduli = CandidateSpace.mixedRadix(rows: 1000, count: 3, rowBudget: t) {
        #expect(moduli.reduce(0, +) <= t && moduli.reduce(1, *) >= 1000)
      }
      if let moduli = CandidateSpace.coprime(rows: 1000, count: 3, rowBudget: t) {
        #expect(moduli.reduce(0, +) <= t && moduli.reduce(1, *) >= 1000)
      }
    }
    #expect(CandidateSpace.qrCollisions(rows: 1000, rowBudget: 60) == nil)
  }
}
