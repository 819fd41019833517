/// What `embcompress plan` needs: the table, the goal, how long the search may take and where
/// its report goes.
public struct PlanRequest: Sendable {
  public var input: String
  public var inputOptions: TableOpenOptions
  public var goal: PlanGoal
  /// `--ratio R`: the budget becomes the input's bytes (as stored) / R, as for `convert --ratio`.
  public var ratio: Double?
  /// The search's time limit; nil for the default, `PlanSearch.defaultConversions` times one
  /// conversion as measured at its start.
  public var seconds: Double?
  /// The fit options every exact candidate is fitted with (and `argv` is run with): seed,
  /// threads, memory, iterations, tolerance.
  public var fit: FitOptions
  /// `--counts`: every candidate is fitted with the floored counts as weights (as `convert
  /// --counts` fits), measured by the counts as given, and judged on that weighted error.
  public var counts: CountsRequest?
  /// Where the JSON report goes, if anywhere (`--report`).
  public var reportPath: String?
  /// Where the HTML chart goes, if anywhere (`--html`).
  public var htmlPath: String?
  public var replaceExisting: Bool

  public init(
    input: String, inputOptions: TableOpenOptions = TableOpenOptions(), goal: PlanGoal = PlanGoal(),
    ratio: Double? = nil, seconds: Double? = nil, fit: FitOptions = FitOptions(), counts: CountsRequest? = nil,
    reportPath: String? = nil,
    htmlPath: String? = nil, replaceExisting: Bool = false
  ) {
    self.input = input
    self.inputOptions = inputOptions
    self.goal = goal
    self.ratio = ratio
    self.seconds = seconds
    self.fit = fit
    self.counts = counts
    self.reportPath = reportPath
    self.htmlPath = htmlPath
    self.replaceExisting = replaceExisting
  }

  /// Refuses values that cannot mean anything, before any work: one `.invalidArguments` line.
  public func validate() throws {
    func invalid(_ detail: String) -> EmbCompressError { .invalidArguments(detail: detail) }
    if let budget = goal.budget, budget < 1 { throw invalid("--budget must be a positive number of bytes, not \(budget)") }
    if let ratio, !(ratio > 0) || !ratio.isFinite { throw invalid("--ratio must be a positive number") }
    if goal.budget != nil && ratio != nil { throw invalid("--budget and --ratio exclude each other; give one") }
    if let target = goal.targetError, !(target > 0) || !target.isFinite {
      throw invalid("--target-error must be a positive number (a relative Frobenius error such as 0.05)")
    }
    if let seconds, !(seconds > 0) || !seconds.isFinite { throw invalid("--seconds must be a positive number") }
    if let floor = counts?.floor, !(floor >= 0) || !floor.isFinite { throw invalid("--counts-floor must be a finite number ≥ 0") }
  }
}
