/// What `embcompress evaluate` needs: the table, the checkpoint to measure against it, and where
/// the report goes.
public struct EvaluationRequest: Sendable {
  public var input: String
  public var inputOptions: TableOpenOptions
  /// The `.qr` checkpoint, made earlier or elsewhere.
  public var checkpoint: String
  /// Where the JSON report goes; `CHECKPOINT.report.json` by default, where `convert` puts it.
  public var reportPath: String
  /// Where the HTML report goes, if anywhere.
  public var htmlPath: String?
  public var options: EvaluationOptions
  /// Per-id lookup counts (`--counts`): the report then adds its `weighted` section. The floor
  /// is not used: the report weighs by the counts as given.
  public var counts: CountsRequest?
  /// Replace an existing report (`--force`).
  public var replaceExisting: Bool
  /// The command line to record in the report (`command`); the CLI passes its argv.
  public var commandLine: [String]? = nil

  public init(
    input: String, inputOptions: TableOpenOptions = TableOpenOptions(), checkpoint: String, reportPath: String? = nil,
    htmlPath: String? = nil, options: EvaluationOptions = EvaluationOptions(), counts: CountsRequest? = nil,
    replaceExisting: Bool = false
  ) {
    self.input = input
    self.inputOptions = inputOptions
    self.checkpoint = checkpoint
    self.reportPath = reportPath ?? checkpoint + ".report.json"
    self.htmlPath = htmlPath
    self.options = options
    self.counts = counts
    self.replaceExisting = replaceExisting
  }
}
