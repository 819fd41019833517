import EmbCompress
import Foundation
import Testing

/// `plan --seconds` is kept: a fit still running at the limit stops at its next sweep or block
/// and is listed as not tried; only the default limit lets the `convert --ratio` layouts run
/// past it, so that the pick is never worse than any of them.
@Suite struct PlanTimeLimitTests {
  static func noise(rows: Int, dim: Int) -> ArrayTableSource {
    var random = TestRandom(seed: 7)
    return ArrayTableSource(rows: rows, dim: dim, values: (0..<(rows * dim)).map { _ in Float(random.normal()) })
  }

  @Test func aFitStillRunningAtTheLimitStopsPartWay() throws {
    // crt add walks every id each sweep: far longer than a millisecond on 20,000 × 16.
    let table = Self.noise(rows: 20_000, dim: 16)
    let layout = try CompositionalLayout(rows: 20_000, dim: 16, scheme: .crt, operation: .add, sizing: .ratio(4))
    #expect(throws: TimeLimitReached.self) {
      try Cancellation.withTimeLimit(Date().addingTimeInterval(0.001)) { _ = try CompositionalFitter.fit(table, layout: layout) }
    }
    // The limit ends with its scope.
    try Cancellation.check()
    #expect(throws: TimeLimitReached.self) { try Cancellation.withTimeLimit(Date().addingTimeInterval(-1)) {} }
  }

  /// A raw float32 table of noise; the plan reads it as the user's file.
  static func noiseFile(rows: Int, dim: Int, in directory: TemporaryDirectory) throws -> (String, TableOpenOptions) {
    let path = directory.file("noise.f32")
    let values = Self.noise(rows: rows, dim: dim).values
    try values.withUnsafeBufferPointer { Data(buffer: $0) }.write(to: URL(fileURLWithPath: path))
    var options = TableOpenOptions()
    options.raw.dim = dim
    return (path, options)
  }

  @Test func secondsGivenBoundTheBudgetLayoutsToo() throws {
    // crt mult and add at 4× take many conversions here; with --seconds they compete for the
    // time like every other candidate, and whatever did not fit in it is listed.
    let directory = try TemporaryDirectory()
    let (path, options) = try Self.noiseFile(rows: 20_000, dim: 16, in: directory)
    let report = try PlanSearch.run(PlanRequest(input: path, inputOptions: options, ratio: 4, seconds: 0.001))
    #expect(report.secondsOutsideLimit == 0)
    let crtMult = report.candidates.first { $0.rule.scheme == .crt && $0.rule.operation == .mult && $0.rule.terms == 1 }
    #expect(crtMult == nil || crtMult!.estimated, "\(String(describing: crtMult))")
    #expect(report.notTried.contains { $0.argv.starts(with: ["--scheme", "crt", "--operation", "mult"]) })
    #expect(Set(report.notTried.map(\.argv)).count == report.notTried.count, "each rule listed once")
  }

  @Test func theDefaultLimitFitsEveryConvertRatioLayout() throws {
    let directory = try TemporaryDirectory()
    let (path, options) = try Self.noiseFile(rows: 6_000, dim: 8, in: directory)
    let report = try PlanSearch.run(PlanRequest(input: path, inputOptions: options, ratio: 4))
    let exact = Set(report.candidates.filter { !$0.estimated }.map(\.rule))
    let info = try openTable(path, options: options).info
    var layouts = 0
    for (scheme, operations) in [(PartitionScheme.hash, [CombineOperation.mult]), (.qr, [.mult, .add, .concat]), (.gqr, [.mult, .add, .concat]), (.crt, [.mult, .add, .concat])] {
      for operation in operations {
        guard let layout = try? CompositionalLayout(rows: info.rows, dim: info.dim, scheme: scheme, operation: operation, sizing: .ratio(4))
        else { continue }
        layouts += 1
        #expect(exact.contains(CandidateRule(layout: layout)), "\(scheme)-\(operation) not fitted exactly")
      }
    }
    #expect(layouts >= 8)
    #expect(report.secondsOutsideLimit > 0)
  }
}
