import EmbCompress
import Foundation
import Testing

/// `plan` on tables with hidden structure: it must find the periods without being told and
/// recommend tables at the noise floor (5% here), fitted exactly.
@Suite struct PlanStructureTests {
  func plan(_ kind: HiddenStructureTables.Kind, rows: Int, dim: Int, seconds: Double = 600) throws -> PlanReport {
    let directory = try TemporaryDirectory()
    let path = directory.file("table.f32")
    try HiddenStructureTables.write(kind, rows: rows, dim: dim, to: path)
    var options = TableOpenOptions()
    options.raw.dim = dim
    return try PlanSearch.run(PlanRequest(input: path, inputOptions: options, seconds: seconds))
  }

  @Test func crossedMultWithKNotAPowerOfTwo() throws {
    // 37 does not divide 6,001 rows.
    let report = try plan(.crossedMult(k: 37), rows: 6001, dim: 16)
    #expect(report.structure?.periods.first == 37)
    guard let pick = report.recommended else { Issue.record("\(report.verdict)"); return }
    #expect(!pick.estimated)
    #expect(pick.rule == CandidateRule(scheme: .qr, operation: .mult, moduli: [37]), "\(pick.rule.label)")
    #expect(pick.relativeFrobenius < 0.055, "\(pick.relativeFrobenius)")
  }

  @Test func crossedAddWithKOfOneHundred() throws {
    // 100 does not divide 7,037 rows.
    let report = try plan(.crossedAdd(k: 100), rows: 7037, dim: 16)
    #expect(report.structure?.periods.first == 100)
    guard let pick = report.recommended else { Issue.record("\(report.verdict)"); return }
    #expect(!pick.estimated)
    #expect(pick.rule.moduli.contains(100) && pick.rule.scheme == .qr, "\(pick.rule.label)")
    #expect(pick.relativeFrobenius < 0.055, "\(pick.relativeFrobenius)")
  }

  @Test func threeNestedLevelsAreFoundAsMixedRadix() throws {
    // id = (a·11 + b)·7 + c over 77·60 + 13 rows.
    let report = try plan(.nestedMult(k1: 7, k2: 11), rows: 77 * 60 + 13, dim: 16)
    #expect(report.structure?.periods == [7, 77])
    guard let pick = report.recommended else { Issue.record("\(report.verdict)"); return }
    #expect(!pick.estimated)
    #expect(pick.rule == CandidateRule(scheme: .gqr, operation: .mult, moduli: [7, 11, 61]), "\(pick.rule.label)")
    #expect(pick.relativeFrobenius < 0.055, "\(pick.relativeFrobenius)")
  }

  @Test func structureIsFoundWithinAFewFits() throws {
    // With no time at all the plan still does its fixed part — one conversion's fit, the
    // structure search, the few rules the structure suggests (screened, and fitted exactly when
    // picked) — and that alone reaches the floor.
    let report = try plan(.crossedMult(k: 37), rows: 6001, dim: 16, seconds: 0.001)
    guard let pick = report.recommended else { Issue.record("\(report.verdict)"); return }
    #expect(pick.relativeFrobenius < 0.055, "\(pick.relativeFrobenius)")
    #expect(report.candidates.count <= 12, "\(report.candidates.count) candidates")
    #expect(!report.notTried.isEmpty)
  }

  @Test func aSmoothTableHasNoPeriods() throws {
    // Positions: every row a smooth function of its id, no period.
    let rows = 3000, dim = 16
    var values = [Float](repeating: 0, count: rows * dim)
    for id in 0..<rows {
      for c in 0..<dim { values[id * dim + c] = Float(sin(Double(id) * Double(c + 1) / 700) + 0.01 * Double(c)) }
    }
    let directory = try TemporaryDirectory()
    let path = directory.file("smooth.f32")
    try values.withUnsafeBufferPointer { Data(buffer: $0) }.write(to: URL(fileURLWithPath: path))
    var options = TableOpenOptions()
    options.raw.dim = dim
    let report = try PlanSearch.run(PlanRequest(input: path, inputOptions: options, goal: PlanGoal(budget: rows * dim), seconds: 600))
    #expect(report.structure == nil)
    #expect(report.recommended != nil)
  }
}
