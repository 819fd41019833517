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
/// 5. Fits exactly the layouts `convert --ratio` makes at the budget for every scheme and
///    operation (unless `--seconds` was given); then, as `convert` does, the candidate the goal
///    would pick — judging estimates 10% better than they are, so a rule near the pick is not
///    passed over on an optimistic sample — until that pick is exact; then the remaining
///    estimated frontier points while time remains.
///
/// The time limit holds: a screen or fit still running at the limit is stopped at its next
/// block or sweep (`Cancellation.withTimeLimit`) and listed as not tried. Only the fits that
/// the limit does not count are exempt: the found structure's rules, and — under the default
/// limit — the budget layouts, whose time moves the limit on.
/// 6. Measures the baselines on the same table in one pass, and writes the report.
///
///     let report = try PlanSearch.run(PlanRequest(input: "in.h5", goal: PlanGoal(budget: 1 << 20)))
///     report.recommended?.argv  // ["--scheme", "qr", "--operation", "mult", "--collisions", "37"]
public enum PlanSearch {
  /// The default time limit, in conversions of the table (as measured in step 2). The structure
  /// search alone took several of them on 1,000,000 × 64 noise (with 8, a loaded run screened
  /// nothing), and the fits the limit does not stop add one or two more; 12 leaves the screen
  /// room and stays within issue 10's bound of 15 of `convert`'s, whose conversion also runs
  /// the neighbour check and writes the file (about twice the plan's one; docs/performance.md).
  public static let defaultConversions = 12.0
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
    let inputs = [request.input] + (request.counts.map { [$0.path] } ?? [])
    try ReportOutputs.check(outputs, inputs: inputs, replacing: request.replaceExisting)
    try ReportOutputs.probe(outputs)

    let opened = try openTable(request.input, options: request.inputOptions)
    let info = opened.info
    // With counts every fit is weighted by the floored counts and measured by the counts as
    // given, as `convert --counts` fits and reports; the goal judges the weighted error.
    let counts = try request.counts.map { try IdCounts(path: $0.path, dataset: $0.dataset, rows: info.rows) }
    var weighting: Weighting?
    if let asked = request.counts, let counts {
      weighting = Weighting(
        weights: counts.weights(floor: asked.floor), counts: counts.values, arguments: Self.countsArguments(asked))
    }
    var goal = request.goal
    goal.weighted = weighting != nil
    if let ratio = request.ratio { goal.budget = max(1, Int(Double(info.bytes) / ratio)) }
    let float32Bytes = info.count * 4
    let fit = request.fit

    progress?(step("plan: read", 0, 1, unit: "passes"))
    let table: any TableSource =
      float32Bytes <= fit.memoryBudget ? try HeldTable(reading: opened, maxBlockBytes: fit.maxBlockBytes) : opened
    var search = Search(table: table, fit: fit, inputBytes: info.bytes, weighting: weighting)

    // One conversion's worth of work, measured: it sets the default time limit.
    progress?(step("plan: one conversion", 0, 1))
    let reference = CandidateRule(scheme: .qr, operation: .mult, moduli: [4])
    if (try? reference.layout(rows: info.rows, dim: info.dim)) != nil, info.rows >= 8 {
      try search.exact(reference)
    }
    let oneConversion = Date().timeIntervalSince(started)
    search.oneConversion = oneConversion
    let limit = request.seconds ?? max(minimumSeconds, defaultConversions * oneConversion)
    var deadline = started.addingTimeInterval(limit)
    func late() -> Bool { Date() >= deadline }
    func left() -> String { seconds(max(0, deadline.timeIntervalSinceNow)) }
    /// What the fits the default limit does not count took: how far past it the search ran by design.
    var secondsOutsideLimit = 0.0

    progress?(step("plan: structure", 0, 1, unit: "passes"))
    let profiles = try LagProfile.measure(table, maxLag: 2 * PeriodicStructure.largestPeriod + 1, seed: fit.seed)
    let structure = profiles.flatMap(PeriodicStructure.strongest)
    let found = structure.flatMap { $0.periods.isEmpty ? nil : $0 }
    let budgetRatio = request.ratio ?? goal.budget.map { Double(info.bytes) / Double($0) }
    let budgetRules =
      budgetRatio.map {
        CandidateSpace.budgetRules(rows: info.rows, dim: info.dim, inputBytesPerValue: info.elementType.byteSize, ratio: $0)
      } ?? []
    // The layouts `convert --ratio R` makes, one per scheme and operation (the rest of the budget
    // rules add terms or a projection: candidates like any other).
    let convertRatioRules = budgetRules.filter { $0.terms == 1 && $0.projectionRank == nil }
    let rules = CandidateSpace.rules(
      rows: info.rows, dim: info.dim, inputBytesPerValue: info.elementType.byteSize, structure: found,
      screenedPeriods: profiles.map(PeriodicStructure.screened) ?? [],
      budgetRules: budgetRules)

    // The found structure's few rules are tried whatever the limit: they are what the search is
    // for. (Screened periods, a fallback, take their chances with the rest.) Under the default
    // limit so are the layouts `convert --ratio` makes at the budget, so the pick is never worse
    // than any of them; with `--seconds` the user's limit comes first, and they compete for it.
    let essential = Set(
      CandidateSpace.structureRules(rows: info.rows, structure: found, screenedPeriods: [])
        + (request.seconds == nil ? convertRatioRules : []))
    /// Runs a screen or fit of `rule`: the limit's own (`essential`) in full, its time moving
    /// the default limit on; any other stopped at the limit, and then listed in `notTried`
    /// (false returned).
    func limited(_ rule: CandidateRule, _ work: () throws -> Void) throws -> Bool {
      guard !essential.contains(rule) else {
        let begun = Date()
        try work()
        if request.seconds == nil {
          let spent = Date().timeIntervalSince(begun)
          secondsOutsideLimit += spent
          deadline.addTimeInterval(spent)
        }
        return true
      }
      do {
        try Cancellation.withTimeLimit(deadline, work)
        return true
      } catch is TimeLimitReached {
        notTried.append(PlanReport.Skipped(argv: rule.argv, reason: "stopped part-way: the time limit (\(seconds(limit))) was reached"))
        return false
      }
    }
    var notTried: [PlanReport.Skipped] = []
    let screen = SampleScreen(source: table, fit: fit, weights: weighting?.weights, counts: weighting?.counts)
    search.screenOptions = screen.options
    /// Whether an exact fit of a rule the search may leave out would end past the limit; if so
    /// it is listed in `notTried` instead. (A fit once started runs to the end, so this keeps a
    /// single slow fit — crt add walks every id each sweep — from carrying the search far past
    /// its limit.)
    func tooSlow(_ rule: CandidateRule) -> Bool {
      guard !essential.contains(rule) else { return false }
      let predicted = search.predictedSeconds(rule)
      guard Date().addingTimeInterval(predicted) > deadline else { return false }
      notTried.append(
        PlanReport.Skipped(
          argv: rule.argv, reason: "not fitted exactly: its fit would take about \(seconds(predicted)), more than the \(left()) left of the time limit (\(seconds(limit)))"))
      return true
    }
    for (index, rule) in rules.enumerated() where search.candidates[rule] == nil {
      try Cancellation.check()
      progress?(step("plan: screen", index, rules.count))
      if late() && !essential.contains(rule) {
        notTried.append(PlanReport.Skipped(argv: rule.argv, reason: "not screened: the time limit (\(seconds(limit))) was reached"))
        continue
      }
      if let sampleRows = screen.sampleRows(for: rule) {
        // A large sample of an iterative fit (crt's window is 8 of its largest modulus) can
        // cost as much as an exact fit; the same bound applies to it.
        let predicted = search.predictedSeconds(rule, sampleRows: sampleRows)
        if !essential.contains(rule), Date().addingTimeInterval(predicted) > deadline {
          notTried.append(
            PlanReport.Skipped(
              argv: rule.argv, reason: "not screened: its sample's fit would take about \(seconds(predicted)), more than the \(left()) left of the time limit (\(seconds(limit)))"))
          continue
        }
      }
      if screen.sampleRows(for: rule) == nil {
        if !tooSlow(rule) { _ = try limited(rule) { try search.exact(rule) } }
        continue
      }
      var estimate: SampleScreen.Estimate?
      guard try limited(rule, { estimate = try screen.estimate(rule) }) else { continue }
      if let estimate {
        search.add(
          rule, error: estimate.relativeFrobenius, weighted: estimate.weightedRelativeFrobenius, estimated: true,
          seconds: estimate.seconds)
        search.samples[rule] = (estimate.rows, estimate.seconds)
      } else if essential.contains(rule) {
        // Its sample carries no counts to measure by; what the search is for is fitted anyway.
        _ = try limited(rule) { try search.exact(rule) }
      } else {
        notTried.append(PlanReport.Skipped(argv: rule.argv, reason: "not screened: its sample holds no counted id"))
      }
    }

    // What `convert --ratio` would make at the budget, for every scheme and operation, under the
    // default limit: exactly, so the pick is never worse than any of them. (With `--seconds` they
    // are fitted below only if they might be the pick, as every other candidate is.)
    let budgetFits = convertRatioRules.filter { essential.contains($0) && search.candidates[$0]?.estimated ?? true }
    for (index, rule) in budgetFits.enumerated() {
      progress?(step("plan: fit", index, budgetFits.count))
      _ = try limited(rule) { try search.exact(rule) }
    }
    // Exact fits where the recommendation rests.
    var exactTotal = 1
    while true {
      let optimistic = search.all.map { candidate -> PlanCandidate in
        var c = candidate
        if c.estimated {
          c.relativeFrobenius *= estimateMargin
          c.weightedRelativeFrobenius = c.weightedRelativeFrobenius.map { $0 * estimateMargin }
        }
        return c
      }
      guard let pick = goal.pick(optimistic, inputFloat32Bytes: float32Bytes), pick.estimated else { break }
      if late() && !essential.contains(pick.rule) {
        notTried.append(
          PlanReport.Skipped(argv: pick.argv, reason: "estimated only: the time limit (\(seconds(limit))) was reached before its exact fit"))
        break
      }
      if tooSlow(pick.rule) { break }
      exactTotal += 1
      progress?(step("plan: fit", exactTotal - 1, exactTotal))
      guard try limited(pick.rule, { try search.exact(pick.rule) }) else { break }
    }
    // Then the rest of the frontier, smallest first, while there is time.
    var frontierFits = 0
    while let next = Frontier.of(search.all).first(where: \.estimated) {
      if late() {
        for point in Frontier.of(search.all) where point.estimated {
          notTried.append(PlanReport.Skipped(argv: point.argv, reason: "frontier point left estimated: the time limit was reached"))
        }
        break
      }
      if tooSlow(next.rule) {
        for point in Frontier.of(search.all) where point.estimated && point.rule != next.rule {
          notTried.append(PlanReport.Skipped(argv: point.argv, reason: "frontier point left estimated: the time limit was reached"))
        }
        break
      }
      let left = Frontier.of(search.all).filter(\.estimated).count
      progress?(step("plan: frontier", frontierFits, frontierFits + left))
      frontierFits += 1
      guard try limited(next.rule, { try search.exact(next.rule) }) else {
        for point in Frontier.of(search.all) where point.estimated && point.rule != next.rule {
          notTried.append(PlanReport.Skipped(argv: point.argv, reason: "frontier point left estimated: the time limit was reached"))
        }
        break
      }
    }

    let exact = search.all.filter { !$0.estimated }
    let recommended = goal.pick(exact, inputFloat32Bytes: float32Bytes)
    let frontier = Frontier.of(search.all)
    progress?(step("plan: baselines", 0, 1, unit: "passes"))
    let baselines = try PlanBaselines.measure(
      table, sizes: frontier.map(\.bytes) + (recommended.map { [$0.bytes] } ?? []), hashBytes: recommended?.bytes,
      counts: weighting?.counts, fit: fit)

    let fitArguments = Self.fitArguments(fit)
    var report = PlanReport(
      input: info, goal: goal,
      counts: request.counts.map { PlanReport.Counts(path: $0.path, dataset: $0.dataset, floor: $0.floor) },
      structure: found.map { PlanReport.Structure(periods: $0.periods, seenIn: $0.transform.rawValue, strength: $0.strength) },
      candidates: search.all.sorted { ($0.bytes, $0.objective) < ($1.bytes, $1.objective) },
      frontier: frontier, baselines: baselines, recommended: recommended, command: nil, verdict: "",
      notTried: Self.firstReasons(notTried), secondsLimit: limit, secondsOutsideLimit: secondsOutsideLimit, oneConversionSeconds: oneConversion, seconds: 0,
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

  /// The counts of a weighted plan: what the fits weigh by, what they are measured by, and the
  /// `convert` options that say so.
  struct Weighting {
    /// Floored (`IdCounts.weights(floor:)`): the fit's weights, as `convert --counts` fits.
    var weights: [Double]
    /// As given: what the weighted error is measured by, as the report's `weighted` section.
    var counts: [Double]
    /// `--counts FILE`, with `--counts-dataset` and `--counts-floor` when they were given.
    var arguments: [String]
  }

  /// The fitting and the candidates found so far.
  struct Search {
    let table: any TableSource
    let fit: FitOptions
    let inputBytes: Int
    let weighting: Weighting?
    /// An iterative fit without a sample, in conversions (crt add excepted).
    static let iterativeConversions = 10
    /// What one conversion cost (the reference fit), once measured.
    var oneConversion = 0.0
    /// The screen's fit options, and each screened rule's sample rows and seconds: what an exact
    /// fit's cost is predicted from.
    var screenOptions = FitOptions()
    var samples: [CandidateRule: (rows: Int, seconds: Double)] = [:]
    private(set) var candidates: [CandidateRule: PlanCandidate] = [:]
    /// In the order they were added, for a stable report.
    private var order: [CandidateRule] = []

    init(table: any TableSource, fit: FitOptions, inputBytes: Int, weighting: Weighting? = nil) {
      self.table = table
      self.fit = fit
      self.inputBytes = inputBytes
      self.weighting = weighting
    }

    var all: [PlanCandidate] { order.compactMap { candidates[$0] } }

    mutating func add(_ rule: CandidateRule, error: Double, weighted: Double?, estimated: Bool, seconds: Double) {
      guard let bytes = try? rule.bytes(rows: table.info.rows, dim: table.info.dim) else { return }
      if candidates[rule] == nil { order.append(rule) }
      candidates[rule] = PlanCandidate(
        rule: rule, bytes: bytes, ratio: Double(inputBytes) / Double(bytes), relativeFrobenius: error,
        weightedRelativeFrobenius: weighted, estimated: estimated, seconds: seconds,
        countsArguments: weighting?.arguments ?? [])
    }

    /// About how long an exact fit of `rule` and its measurement take, before it runs: one
    /// conversion for a closed-form fit (bucket means; backfitting on bucket sums, which qr and
    /// gqr add use; the Gram route on a full qr grid), as the reference qr-mult fit is. An
    /// iterative fit (CP, ALS, crt add, terms, a projection, weights) is predicted from its
    /// sample's fit scaled to the table's rows and to the full fit's rounds and restarts (an
    /// upper bound rather than a guess: most fits converge sooner), or, without a sample, as
    /// ten conversions (crt add: every iteration a conversion).
    ///
    /// With `sampleRows`, the screen's fit of a sample that large instead: the same, at the
    /// sample's share of the rows and the screen's rounds.
    func predictedSeconds(_ rule: CandidateRule, sampleRows: Int? = nil) -> Double {
      let rows = table.info.rows
      let share = Double(sampleRows ?? rows) / Double(max(1, rows))
      if weighting == nil, let built = try? rule.rule(rows: sampleRows ?? rows, dim: table.info.dim), built.isPlain {
        let layout = built.terms[0]
        switch CompositionalFitter.method(for: layout) {
        case .bucketMeans: return oneConversion * share
        case .backfitting where layout.scheme != .crt: return oneConversion * share
        case .gramRankOne where MixedRadixGrid(layout)?.isFull == true: return oneConversion * share
        default: break
        }
      }
      if sampleRows != nil { return Double(screenOptions.maxIterations + 1) * oneConversion * share }
      guard let sample = samples[rule] else {
        // No sample (a small table, or a rule too large to sample): crt add, whose sweeps walk
        // every id, as every iteration costing a conversion; the rest as ten conversions (their
        // sweeps cost far less than a conversion's read and measuring pass: with the crt-add
        // bound, a 512-row table left its qr and gqr mult rules unfitted).
        let crtAdd = rule.scheme == .crt && rule.operation == .add
        return Double(crtAdd ? fit.maxIterations + 1 : Self.iterativeConversions) * oneConversion
      }
      let rounds = Double(fit.maxIterations) / Double(max(1, screenOptions.maxIterations))
      let restarts = Double(max(1, fit.restarts)) / Double(max(1, screenOptions.restarts))
      return sample.seconds * Double(rows) / Double(max(1, sample.rows)) * max(1, rounds) * max(1, restarts)
    }

    /// Fits `rule` to the whole table with the plan's options (and weights) and measures the
    /// stored tables against every row, as `convert` and its report do.
    mutating func exact(_ rule: CandidateRule) throws {
      let started = Date()
      let fitted = try RuleFitter.fit(
        table, rule: try rule.rule(rows: table.info.rows, dim: table.info.dim), weights: weighting?.weights, options: fit)
      let errors = try ReconstructionEvaluator.measure(
        table, against: fitted.tables.rounded(to: .f32), counts: weighting?.counts, threads: fit.threads,
        maxBlockBytes: fit.maxBlockBytes, memoryBudget: fit.memoryBudget)
      add(
        rule, error: errors.error.relativeFrobenius, weighted: errors.weighted?.relativeFrobenius,
        estimated: false, seconds: Date().timeIntervalSince(started))
    }
  }

  /// Each rule once, with the first reason it was left out (a pick stopped at the limit is also
  /// a frontier point left estimated).
  static func firstReasons(_ skipped: [PlanReport.Skipped]) -> [PlanReport.Skipped] {
    var seen = Set<[String]>()
    return skipped.filter { seen.insert($0.argv).inserted }
  }

  /// The `convert` options that weight a fit as `counts` asks: the floor only when it is not
  /// the default, so the argv stays short.
  static func countsArguments(_ counts: CountsRequest) -> [String] {
    var words = ["--counts", counts.path]
    if let dataset = counts.dataset { words += ["--counts-dataset", dataset] }
    if counts.floor != IdCounts.defaultFloor { words += ["--counts-floor", String(counts.floor)] }
    return words
  }

  /// A progress step counted in candidates (fits or screens) — or, for the steps that are one
  /// pass over the table (reading it, the lag profiles, the baselines), in passes — not rows.
  static func step(_ phase: String, _ done: Int, _ total: Int, unit: String = "candidates") -> Converter.Progress {
    Converter.Progress(phase: phase, rowsDone: done, rowsTotal: max(1, total), unit: unit)
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
