/// Everything one conversion needs: where to read, what to fit, where to write.
public struct ConversionRequest: Sendable {
  public var input: String
  public var inputOptions: TableOpenOptions
  public var output: String
  /// Where the JSON report goes; `OUT.report.json` by default.
  public var reportPath: String
  /// Where the HTML report goes, if anywhere (`--html`).
  public var htmlPath: String?
  public var scheme: PartitionScheme
  public var operation: CombineOperation
  /// Nil picks the scheme's default (4 collisions, or 3 partitions).
  public var sizing: Sizing?
  public var concatDims: [Int]?
  /// mult: the table is the sum of this many terms over the same partitions (`--terms`).
  public var terms: Int
  /// K-wide terms mapped to the table's width by a K × dim projection (`--project`).
  public var projectionRank: Int?
  /// Rows stored exactly (`--exact-rows`): the most counted, or without counts the worst served.
  public var exactRows: ExactRowCount?
  /// Per-id lookup counts (`--counts`); the fit then minimises the weighted error.
  public var counts: CountsRequest?
  public var precision: StoragePrecision
  /// Also seeds the report's neighbour sample, and sets its threads, blocks and memory.
  public var fit: FitOptions
  /// Replace an existing output or report (`--force`).
  public var replaceExisting: Bool
  /// The command line to record in the report (`command`); the CLI passes its argv.
  public var commandLine: [String]? = nil
  /// The plan that chose this rule (`convert --auto`), recorded in the report.
  public var plan: PlanReport?

  public init(
    input: String, inputOptions: TableOpenOptions = TableOpenOptions(), output: String, reportPath: String? = nil,
    htmlPath: String? = nil,
    scheme: PartitionScheme = .qr, operation: CombineOperation = .mult, sizing: Sizing? = nil,
    concatDims: [Int]? = nil, terms: Int = 1, projectionRank: Int? = nil, exactRows: ExactRowCount? = nil,
    counts: CountsRequest? = nil, precision: StoragePrecision = .f32, fit: FitOptions = FitOptions(),
    replaceExisting: Bool = false, plan: PlanReport? = nil
  ) {
    self.input = input
    self.inputOptions = inputOptions
    self.output = output
    self.reportPath = reportPath ?? output + ".report.json"
    self.htmlPath = htmlPath
    self.scheme = scheme
    self.operation = operation
    self.sizing = sizing
    self.concatDims = concatDims
    self.terms = terms
    self.projectionRank = projectionRank
    self.exactRows = exactRows
    self.counts = counts
    self.precision = precision
    self.fit = fit
    self.replaceExisting = replaceExisting
    self.plan = plan
  }
}
