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
  public var precision: StoragePrecision
  /// Also seeds the report's neighbour sample, and sets its threads, blocks and memory.
  public var fit: FitOptions
  /// Replace an existing output or report (`--force`).
  public var replaceExisting: Bool
  /// The plan that chose this rule (`convert --auto`), recorded in the report.
  public var plan: PlanReport?

  public init(
    input: String, inputOptions: TableOpenOptions = TableOpenOptions(), output: String, reportPath: String? = nil,
    htmlPath: String? = nil,
    scheme: PartitionScheme = .qr, operation: CombineOperation = .mult, sizing: Sizing? = nil,
    concatDims: [Int]? = nil, precision: StoragePrecision = .f32, fit: FitOptions = FitOptions(),
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
    self.precision = precision
    self.fit = fit
    self.replaceExisting = replaceExisting
    self.plan = plan
  }
}
