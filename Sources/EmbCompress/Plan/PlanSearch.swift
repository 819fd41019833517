import Foundation

/// `embcompress plan`: searches the compositional family for the tables a table's ids support,
/// for a byte budget or an error target, and says which to make.
///
/// 1. Reads the table once and holds it (when it fits `--memory`), posing as the file so every
///    fit and measurement is `convert`'s to the bit (`HeldTable`).
/// 2. Fits and measures `--scheme qr --collisions 4` exactly: the cost of one conversion, which
///    sets the default time limit.
/// 3. Looks for periods in the ids (`LagProfile`, `PeriodicStructure`).
/// 4. Screens every rule of `CandidateSpace` on a sample that keeps its structure
///    (`SampleScreen`): an estimate, marked as one.
/// 5. Fits exactly, and measures as `convert` does, the candidate the goal would pick — judging
///    estimates 10% better than they are, so a rule near the pick is not passed over on an
///    optimistic sample — until that pick is exact; then the remaining estimated frontier
///    points while time remains.
/// 6. Measures the baselines on the same table in one pass, and writes the report.
///
///     let report = try PlanSearch.run(PlanRequest(input: "in.h5", goal: PlanGoal(budget: 1 << 20)))
///     report.recommended?.argv  // ["--scheme", "qr", "--operation", "mult", "--collisions", "37"]
public enum PlanSearch {
  /// The default time limit, in conversions of the table (as measured in step 2).
  public static let defaultConversions = 8.0
  /// …but never less than this, so small tables get a full search.
  public static let minimumSeconds = 3.0
  /// How much better than its estimate a sampled rule might really be.
  static let estimateMargin = 0.9

  public static func run(
    _ request: PlanRequest, progress: (@Sendable (Converter.Progress) -> Void)? = nil
  ) throws -> PlanReport {
    let started = Date()
    try request.validate()
    let outputs = [request.reportPath, request.htmlPath].compactMap { $0 }
    try ReportOutputs.check(outputs, inputs: [request.input], replacing: request.replaceExisting)

    let opened = try openTable(request.input, options: request.inputOptions)
    let info = opened.info
    var goal = request.goal
    if let ratio = request.ratio { goal.budget = max(1, Int(Double(info.bytes) / ratio)) }
    let float32Bytes = info.count * 4
    let fit = request.fit

    progress?(Converter.Progress(phase: "plan: read", rowsDone: 0, rowsTotal: 1))
    let table: any TableSource =
      float32Bytes <= fit.memoryBudget ? try HeldTable(reading: opened, maxBlockBytes: fit.maxBlockBytes) : opened
    var search = Search(table: table, fit: fit, inputBytes: info.bytes)

    // One conversion's worth of work, measured: it sets the default time limit.
    let reference = CandidateRule(scheme: .qr, operation: .mult, moduli: [4])
    if (try? reference.layout(rows: info.rows, dim: info.dim)) != nil, info.rows >= 8 {
      try search.exact(reference)
    }
    let oneConversion = Date().timeIntervalSince(started)
    let limit = request.seconds ?? max(minimumSeconds, defaultConversions * oneConversion)
    let deadline = started.addingTimeInterval(limit)
    func late() -> Bool { Date() >= deadline }

    progress?(Converter.Progress(phase: "plan: structure", rowsDone: 0, rowsTotal: 1))
    let profiles = try LagProfile.measure(table, maxLag: 2 * PeriodicStructure.largestPeriod + 1, seed: fit.seed)
    let structure = profiles.flatMap(PeriodicStructure.strongest)
    let found = structure.flatMap { $0.periods.isEmpty ? nil : $0 }
    let budgetRatio = request.ratio ?? goal.budget.map { Double(info.bytes) / Double($0) }
    let budgetRules =
      budgetRatio.map {
        CandidateSpace.budgetRules(rows: info.rows, dim: info.dim, inputBytesPerValue: info.elementType.byteSize, ratio: $0)
      } ?? []
    let rules = CandidateSpace.rules(
      rows: info.rows, dim: info.dim, inputBytesPerValue: info.elementType.byteSize, structure: found,
      screenedPeriods: profiles.map(PeriodicStructure.screened) ?? [],
      budgetRules: budgetRules)

    // The found structure's few rules are tried whatever the limit: they are what the search is
    // for. (Screened periods, a fallback, take their chances with the rest.)
    // So are the layouts `convert --ratio` makes at the budget: the pick must beat every one.
    let essential = Set(CandidateSpace.structureRules(rows: info.rows, structure: found, screenedPeriods: []) + budgetRules)
    var notTried: [PlanReport.Skipped] = []
    let screen = SampleScreen(source: table, fit: fit)
    for (index, rule) in rules.enumerated() where search.candidates[rule] == nil {
      try Cancellation.check()
      progress?(Converter.Progress(phase: "plan: screen", rowsDone: index, rowsTotal: rules.count))
      if late() && !essential.contains(rule) {
        notTried.append(PlanReport.Skipped(argv: rule.argv, reason: "not screened: the time limit (\(seconds(limit))) was reached"))
        continue
      }
      if screen.sampleRows(for: rule) == nil {
        try search.exact(rule)
      } else if let estimate = try screen.estimate(rule) {
        search.add(rule, error: estimate, estimated: true, seconds: 0)
      }
    }

    // What `convert --ratio` would make at the budget, for every scheme and operation: exactly,
    // whatever the limit, so the pick is never worse than any of them. (Budget rules are made
    // from valid layouts; those the screen did not reach are fitted here too.)
    for rule in budgetRules where search.candidates[rule]?.estimated ?? true {
      progress?(Converter.Progress(phase: "plan: fit", rowsDone: 0, rowsTotal: 1))
      try search.exact(rule)
    }
    // Exact fits where the recommendation rests.
    var exactTotal = 1
    while true {
      let optimistic = search.all.map { candidate -> PlanCandidate in
        var c = candidate
        if c.estimated { c.relativeFrobenius *= estimateMargin }
        return c
      }
      guard let pick = goal.pick(optimistic, inputFloat32Bytes: float32Bytes), pick.estimated else { break }
      if late() && !essential.contains(pick.rule) {
        notTried.append(
          PlanReport.Skipped(argv: pick.argv, reason: "estimated only: the time limit (\(seconds(limit))) was reached before its exact fit"))
        break
      }
      exactTotal += 1
      progress?(Converter.Progress(phase: "plan: fit", rowsDone: exactTotal - 1, rowsTotal: exactTotal))
      try search.exact(pick.rule)
    }
    // Then the rest of the frontier, smallest first, while there is time.
    while let next = Frontier.of(search.all).first(where: \.estimated) {
      if late() {
        for point in Frontier.of(search.all) where point.estimated {
          notTried.append(PlanReport.Skipped(argv: point.argv, reason: "frontier point left estimated: the time limit was reached"))
        }
        break
      }
      progress?(Converter.Progress(phase: "plan: frontier", rowsDone: 0, rowsTotal: 1))
      try search.exact(next.rule)
    }

    let exact = search.all.filter { !$0.estimated }
    let recommended = goal.pick(exact, inputFloat32Bytes: float32Bytes)
    let frontier = Frontier.of(search.all)
    progress?(Converter.Progress(phase: "plan: baselines", rowsDone: 0, rowsTotal: 1))
    let baselines = try PlanBaselines.measure(
      table, sizes: frontier.map(\.bytes) + (recommended.map { [$0.bytes] } ?? []), hashBytes: recommended?.bytes,
      fit: fit)

    let fitArguments = Self.fitArguments(fit)
    var report = PlanReport(
      input: info, goal: goal,
      structure: found.map { PlanReport.Structure(periods: $0.periods, seenIn: $0.transform.rawValue, strength: $0.strength) },
      candidates: search.all.sorted { ($0.bytes, $0.relativeFrobenius) < ($1.bytes, $1.relativeFrobenius) },
      frontier: frontier, baselines: baselines, recommended: recommended, command: nil, verdict: "",
      notTried: notTried, secondsLimit: limit, oneConversionSeconds: oneConversion, seconds: 0,
      fitArguments: fitArguments)
    if let recommended {
      let words = report.convertArguments(
        recommended, output: "OUT.qr", inputArguments: inputArguments(request.inputOptions, format: info.format))
      report.command = "embcompress " + words.map(Self.quoted).joined(separator: " ")
    }
    report.verdict = PlanVerdict.sentence(report, float32Bytes: float32Bytes)
    report.seconds = Date().timeIntervalSince(started)

    if !outputs.isEmpty {
      let files = AtomicOutputSet()
      if let htmlPath = request.htmlPath {
        try files.add(path: htmlPath, replacing: request.replaceExisting, bytes: Array(PlanHTMLPage.render(report).utf8))
      }
      if let reportPath = request.reportPath {
        try files.add(path: reportPath, replacing: request.replaceExisting, bytes: Array(try report.jsonData()))
      }
      try files.commit()
    }
    return report
  }

  /// The fitting and the candidates found so far.
  struct Search {
    let table: any TableSource
    let fit: FitOptions
    let inputBytes: Int
    private(set) var candidates: [CandidateRule: PlanCandidate] = [:]
    /// In the order they were added, for a stable report.
    private var order: [CandidateRule] = []

    init(table: any TableSource, fit: FitOptions, inputBytes: Int) {
      self.table = table
      self.fit = fit
      self.inputBytes = inputBytes
    }

    var all: [PlanCandidate] { order.compactMap { candidates[$0] } }

    mutating func add(_ rule: CandidateRule, error: Double, estimated: Bool, seconds: Double) {
      guard let bytes = try? rule.bytes(rows: table.info.rows, dim: table.info.dim) else { return }
      if candidates[rule] == nil { order.append(rule) }
      candidates[rule] = PlanCandidate(
        rule: rule, bytes: bytes, ratio: Double(inputBytes) / Double(bytes), relativeFrobenius: error,
        estimated: estimated, seconds: seconds)
    }

    /// Fits `rule` to the whole table with the plan's options and measures the stored tables
    /// against every row, as `convert` and its report do.
    mutating func exact(_ rule: CandidateRule) throws {
      let started = Date()
      let fitted = try RuleFitter.fit(table, rule: try rule.rule(rows: table.info.rows, dim: table.info.dim), options: fit)
      let errors = try ReconstructionEvaluator.measure(
        table, against: fitted.tables.rounded(to: .f32), threads: fit.threads, maxBlockBytes: fit.maxBlockBytes)
      add(
        rule, error: errors.error.relativeFrobenius,
        estimated: false, seconds: Date().timeIntervalSince(started))
    }
  }

  /// The fit options `convert` must be given to fit as the plan did (those that change results).
  static func fitArguments(_ fit: FitOptions) -> [String] {
    let defaults = FitOptions()
    var words: [String] = []
    if fit.seed != defaults.seed { words += ["--seed", String(fit.seed)] }
    if fit.maxIterations != defaults.maxIterations { words += ["--max-iterations", String(fit.maxIterations)] }
    if fit.tolerance != defaults.tolerance { words += ["--tolerance", String(fit.tolerance)] }
    return words
  }

  /// The input options that find the same table again.
  public static func inputArguments(_ options: TableOpenOptions, format: TableFormat) -> [String] {
    var words: [String] = []
    if let forced = options.format { words += ["--format", forced == .hdf5 ? "h5" : forced.rawValue] }
    if let name = options.name { words += [format == .hdf5 ? "--dataset" : "--tensor", name] }
    if format == .raw {
      let raw = options.raw
      if let dim = raw.dim { words += ["--dim", String(dim)] }
      if raw.elementType != .float32 { words += ["--dtype", raw.elementType.rawValue] }
      if raw.byteOrder != .little { words += ["--endian", raw.byteOrder.rawValue] }
      if raw.offset != 0 { words += ["--offset", String(raw.offset)] }
      if let rows = raw.rows { words += ["--rows", String(rows)] }
    }
    return words
  }

  static func quoted(_ word: String) -> String {
    let plain = word.allSatisfy { $0.isLetter || $0.isNumber || "-_./,:=+@%".contains($0) }
    return plain && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }

  static func seconds(_ value: Double) -> String { String(format: "%.1f s", value) }
}
