/// The report of one conversion or evaluation (`embcompress.report/1`): what went in, what came
/// out, how close the stored tables are to the input, how that compares with other ways to spend
/// the same bytes, and what the fit did. docs/report.md explains every key.
public struct ConversionReport: Sendable, Encodable {
  public struct Checkpoint: Sendable, Encodable {
    public var path: String
    /// The whole file, header included.
    public var bytes: Int
    /// Every tensor's bytes: the terms' tables, the projection, the exact ids and rows.
    public var tensorBytes: Int
    public var precision: StoragePrecision
    public var rule: TableRule

    public init(path: String, bytes: Int, rule: TableRule, precision: StoragePrecision) {
      self.path = path
      self.bytes = bytes
      self.tensorBytes = rule.tensorBytes(precision: precision)
      self.precision = precision
      self.rule = rule
    }

    /// The first term's: with several terms they all share one operation and partition sizes.
    public var scheme: PartitionScheme { rule.scheme }
    public var operation: CombineOperation { rule.terms[0].operation }
    /// Every term's partitions, in file order.
    public var partitions: [Partition] { rule.terms.flatMap(\.partitions) }

    private enum CodingKeys: String, CodingKey {
      case path, bytes, tensorBytes = "tensor_bytes", precision, scheme, operation, partitions, terms
      case projectionRank = "projection_rank", exactRows = "exact_rows", tensors
    }

    private struct TensorEntry: Encodable {
      var name: String
      var shape: [Int]
      var dtype: String
      var bytes: Int
    }

    public func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(path, forKey: .path)
      try container.encode(bytes, forKey: .bytes)
      try container.encode(tensorBytes, forKey: .tensorBytes)
      try container.encode(precision, forKey: .precision)
      try container.encode(scheme, forKey: .scheme)
      try container.encode(operation, forKey: .operation)
      try container.encode(partitions, forKey: .partitions)
      try container.encode(rule.terms.count, forKey: .terms)
      try container.encode(rule.projectionRank, forKey: .projectionRank)
      try container.encode(rule.exactRowCount, forKey: .exactRows)
      try container.encode(
        rule.tensors.map {
          TensorEntry(
            name: $0.name, shape: $0.shape, dtype: $0.dtype(precision: precision).rawValue,
            bytes: $0.byteCount(precision: precision))
        }, forKey: .tensors)
    }
  }

  public struct Fit: Sendable, Encodable {
    public var passes: Int
    public var iterations: Int
    public var converged: Bool
    public var seconds: Double

    public init(passes: Int, iterations: Int, converged: Bool, seconds: Double) {
      self.passes = passes
      self.iterations = iterations
      self.converged = converged
      self.seconds = seconds
    }
  }

  /// Which command made the report.
  public enum Command: String, Sendable, Encodable {
    /// `embcompress convert`: fitted, then measured.
    case convert
    /// `embcompress evaluate`: a checkpoint made earlier or elsewhere, measured again.
    case evaluate
  }

  /// What made the report: `embcompress` and its version (`EmbCompressVersion`).
  public struct Tool: Sendable, Encodable {
    public var name = EmbCompressVersion.name
    public var version = EmbCompressVersion.version
  }

  public var format = "embcompress.report/1"
  public var tool = Tool()
  /// Which command made the report; the JSON calls it `subcommand`, since `command` is the argv.
  public var command: Command
  /// The command line that made the report, program name first (JSON `command`); nil when the
  /// library was called without one.
  public var commandLine: [String]?
  public var input: TableInfo
  public var checkpoint: Checkpoint
  /// rows · dim · input element size / checkpoint tensor bytes.
  public var compressionRatio: Double
  public var error: ErrorMetrics
  public var histogram: ErrorHistogram
  /// The 10 rows with the largest relative error, largest first.
  public var worstRows: [WorstRow]
  /// Other ways to spend about the same bytes, measured on the same table.
  public var baselines: [Baseline]
  public var baselinesOmitted: [OmittedBaseline]
  /// Nil when the sample has fewer than two non-zero rows.
  public var neighbors: NeighborRecall?
  /// With `--counts`: the figures weighted by lookups; null without.
  public var weighted: WeightedErrorMetrics?
  /// How the fit went; nil for `evaluate`, which did not fit.
  public var fit: Fit?
  /// Wall time of the whole command, reading through writing.
  public var seconds: Double
  /// The plan that chose the rule (`convert --auto`); nil otherwise.
  public var plan: PlanReport?

  public init(
    command: Command, input: TableInfo, checkpoint: Checkpoint, evaluation: TableEvaluation, fit: Fit?, seconds: Double
  ) {
    self.command = command
    self.input = input
    self.checkpoint = checkpoint
    compressionRatio = Double(input.bytes) / Double(checkpoint.tensorBytes)
    error = evaluation.error
    histogram = evaluation.histogram
    worstRows = evaluation.worstRows
    baselines = evaluation.baselines
    baselinesOmitted = evaluation.omittedBaselines
    neighbors = evaluation.neighbors
    weighted = evaluation.weighted
    self.fit = fit
    self.seconds = seconds
  }

  /// The fit's name among the baselines: scheme and operation, e.g. `qr-mult`.
  public var fitLabel: String { "\(checkpoint.scheme.rawValue)-\(checkpoint.operation.rawValue)" }

  private enum CodingKeys: String, CodingKey {
    case format, tool, command = "subcommand", commandLine = "command", verdict, input, checkpoint, compressionRatio = "compression_ratio", error, histogram
    case worstRows = "worst_rows", baselines, baselinesOmitted = "baselines_omitted", neighbors, weighted, fit, seconds, plan
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(format, forKey: .format)
    try container.encode(tool, forKey: .tool)
    try container.encode(command, forKey: .command)
    try container.encode(commandLine, forKey: .commandLine)
    // The summary's verdict sentence, from the same code, so scripts need not re-derive it.
    try container.encode(BaselineComparison(self).verdict, forKey: .verdict)
    try container.encode(input, forKey: .input)
    try container.encode(checkpoint, forKey: .checkpoint)
    try container.encode(compressionRatio, forKey: .compressionRatio)
    try container.encode(error, forKey: .error)
    try container.encode(histogram, forKey: .histogram)
    try container.encode(worstRows, forKey: .worstRows)
    try container.encode(baselines, forKey: .baselines)
    try container.encode(baselinesOmitted, forKey: .baselinesOmitted)
    // Explicit nulls, so every key is always there for scripts.
    try container.encode(neighbors, forKey: .neighbors)
    try container.encode(weighted, forKey: .weighted)
    try container.encode(fit, forKey: .fit)
    try container.encode(seconds, forKey: .seconds)
    try container.encode(plan, forKey: .plan)
  }
}
