import Foundation

/// What `embcompress plan` found (`embcompress.plan/1`): every candidate tried with its error,
/// exact or estimated; the frontier; the baselines on the same table; the recommendation and
/// the command that makes it; what the search did not get to. docs/plan.md explains every key.
public struct PlanReport: Sendable, Encodable {
  /// Periods found in the ids (see `PeriodicStructure`).
  public struct Structure: Sendable, Encodable {
    /// P₁ (crossed feature id = a·P₁ + b), then P₂ when the levels nest (mixed radix).
    public var periods: [Int]
    /// `values` (a shared term, add) or `log-magnitudes` (a shared factor, mult).
    public var seenIn: String
    /// How far the first peak stands above the noise, in robust standard deviations.
    public var strength: Double

    private enum CodingKeys: String, CodingKey { case periods, seenIn = "seen_in", strength }
  }

  /// A rule the search left out, and why.
  public struct Skipped: Sendable, Encodable {
    public var argv: [String]
    public var reason: String
  }

  /// The counts a weighted plan was given (`--counts`), as `convert` is to be given them.
  public struct Counts: Sendable, Encodable {
    public var path: String
    /// The HDF5 dataset, or nil.
    public var dataset: String?
    /// Every id weighs at least this × the mean count in the fit (`--counts-floor`).
    public var floor: Double
  }

  public var format = "embcompress.plan/1"
  public var input: TableInfo
  public var goal: PlanGoal
  /// Nil without `--counts`.
  public var counts: Counts?
  public var structure: Structure?
  /// Every candidate, by bytes.
  public var candidates: [PlanCandidate]
  /// The candidates no other beats in both bytes and error, by bytes.
  public var frontier: [PlanCandidate]
  public var baselines: [PlanBaseline]
  /// Always an exact candidate; nil when nothing meets the goal (`verdict` says why).
  public var recommended: PlanCandidate?
  /// The whole `embcompress convert` command that makes the recommendation; nil without one.
  public var command: String?
  public var verdict: String
  public var notTried: [Skipped]
  /// The search's time limit, and what one conversion cost as measured at its start (reading
  /// the table, fitting and measuring qr mult with 4 collisions).
  public var secondsLimit: Double
  /// What the fits the default limit does not count took (the layouts `convert --ratio` makes
  /// at the budget, and the found structure's rules); 0 under `--seconds`.
  public var secondsOutsideLimit: Double
  public var oneConversionSeconds: Double
  public var seconds: Double

  /// The options `convert` needs besides the rule's, so its fit is this plan's fit.
  public var fitArguments: [String]

  /// The full `argv` for `convert` of a candidate: the input, an output, the input options
  /// given to the plan, the rule and the fit options.
  public func convertArguments(_ candidate: PlanCandidate, output: String, inputArguments: [String]) -> [String] {
    [input.path, output] + inputArguments + candidate.argv + fitArguments
  }

  private enum CodingKeys: String, CodingKey {
    case format, input, goal, counts, structure, candidates, frontier, baselines, recommended, command, verdict
    case notTried = "not_tried", secondsLimit = "seconds_limit",
      secondsOutsideLimit = "seconds_outside_limit", oneConversionSeconds = "one_conversion_seconds"
    case seconds, fitArguments = "fit_arguments"
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(format, forKey: .format)
    try container.encode(input, forKey: .input)
    try container.encode(goal, forKey: .goal)
    try container.encode(counts, forKey: .counts)
    try container.encode(structure, forKey: .structure)
    try container.encode(candidates, forKey: .candidates)
    try container.encode(frontier, forKey: .frontier)
    try container.encode(baselines, forKey: .baselines)
    try container.encode(recommended, forKey: .recommended)
    try container.encode(command, forKey: .command)
    try container.encode(verdict, forKey: .verdict)
    try container.encode(notTried, forKey: .notTried)
    try container.encode(secondsLimit, forKey: .secondsLimit)
    try container.encode(secondsOutsideLimit, forKey: .secondsOutsideLimit)
    try container.encode(oneConversionSeconds, forKey: .oneConversionSeconds)
    try container.encode(seconds, forKey: .seconds)
    try container.encode(fitArguments, forKey: .fitArguments)
  }

  /// Pretty-printed JSON with sorted keys, as the conversion report (`ReportJSON`).
  public func jsonData() throws -> Data { try ReportJSON.encode(self, input: input.path) }
}

extension PlanGoal: Encodable {
  private enum CodingKeys: String, CodingKey { case budget, targetError = "target_error", error }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(budget, forKey: .budget)
    try container.encode(targetError, forKey: .targetError)
    try container.encode(errorName, forKey: .error)
  }
}
