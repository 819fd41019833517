import Foundation

/// The report of one run over several tables (`--tensor 'emb_l.*'`, `--all-tables`): a section
/// per table, each what a separate run on that table reports, and the totals.
///
///     let report = try Converter.run(request, tables: ["emb_l.0", "emb_l.1"])
///     report.totals.relativeFrobenius  // over every value of every table
public struct BundleReport: Sendable, Encodable {
  /// One table's section: its name, then the keys of a one-table report.
  public struct Table: Sendable, Encodable {
    public var name: String
    public var report: ConversionReport

    public init(name: String, report: ConversionReport) {
      self.name = name
      self.report = report
    }

    private enum CodingKeys: String, CodingKey { case name }

    public func encode(to encoder: any Encoder) throws {
      try report.encode(to: encoder)
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(name, forKey: .name)
    }
  }

  public struct Totals: Sendable, Encodable {
    public var tables: Int
    /// The inputs as stored.
    public var inputBytes: Int
    /// The whole `.qr` file, header included.
    public var checkpointBytes: Int
    public var tensorBytes: Int
    /// inputBytes / tensorBytes.
    public var compressionRatio: Double
    /// ‖E − Ê‖_F / ‖E‖_F over every value of every table.
    public var relativeFrobenius: Double

    private enum CodingKeys: String, CodingKey {
      case tables, inputBytes = "input_bytes", checkpointBytes = "checkpoint_bytes", tensorBytes = "tensor_bytes"
      case compressionRatio = "compression_ratio", relativeFrobenius = "relative_frobenius"
    }
  }

  public var format = "embcompress.report/1"
  public var tool = ConversionReport.Tool()
  /// The command line that made the report, program name first; nil from the library.
  public var commandLine: [String]?
  public var tables: [Table]
  public var totals: Totals
  /// Wall time of the whole command.
  public var seconds: Double

  private enum CodingKeys: String, CodingKey {
    case format, tool, commandLine = "command", tables, totals, seconds
  }

  public init(tables: [Table], fileBytes: Int, seconds: Double) {
    self.tables = tables
    commandLine = tables.first?.report.commandLine
    let reports = tables.map(\.report)
    let inputBytes = reports.reduce(0) { $0 + $1.input.bytes }
    let tensorBytes = reports.reduce(0) { $0 + $1.checkpoint.tensorBytes }
    let squaredError = reports.reduce(0.0) { $0 + $1.error.squaredError }
    let squaredNorm = reports.reduce(0.0) { $0 + $1.error.squaredNorm }
    totals = Totals(
      tables: tables.count, inputBytes: inputBytes, checkpointBytes: fileBytes, tensorBytes: tensorBytes,
      compressionRatio: Double(inputBytes) / Double(tensorBytes),
      relativeFrobenius: RowErrors.relative(errorSquared: squaredError, normSquared: squaredNorm))
    self.seconds = seconds
  }

  /// The report as JSON, written as a one-table report is (`ReportJSON`).
  public func jsonData() throws -> Data { try ReportJSON.encode(self, input: tables.first?.report.input.path ?? "") }
}
