import ArgumentParser
import EmbCompress
import Foundation

/// Where a report goes and how it is shown; shared by `convert` and `evaluate`.
struct ReportOptions: ParsableArguments {
  @Option(help: ArgumentHelp("Where to write the JSON report (default: the checkpoint's name + .report.json).", valueName: "path"))
  var report: String?

  @Option(help: ArgumentHelp("Also write the report as a self-contained HTML page.", valueName: "path"))
  var html: String?

  @Flag(help: "Print the report JSON on stdout instead of the text summary.")
  var json = false

  @Flag(help: "Print nothing on success.")
  var quiet = false

  @Flag(help: "Show progress even when stderr is not a terminal, as a plain line every few seconds (CI logs, notebooks).")
  var progress = false

  func validate() throws {
    if json && quiet { throw ValidationError("--json and --quiet exclude each other") }
  }

  /// A bar on a terminal unless `--quiet`; plain lines when `--progress` asks for them elsewhere.
  var progressMode: ProgressBar.Mode {
    if ProgressBar.stderrIsTerminal { return quiet && !progress ? .off : .terminal }
    return progress ? .lines(interval: ProgressBar.lineInterval) : .off
  }

  /// Runs `job` with a progress bar on a terminal, then prints the report as asked; library
  /// errors become one line on stderr and their exit code.
  func present(
    reportPath: String, htmlPath: String?,
    _ job: (@escaping @Sendable (Converter.Progress) -> Void) throws -> ConversionReport
  ) throws {
    try show(job, json: { try $0.jsonData() }) { ReportSummary.render($0, reportPath: reportPath, htmlPath: htmlPath) }
  }

  /// `present` for a run over several tables, whose report has a section per table.
  func present(
    bundle output: String, reportPath: String,
    _ job: (@escaping @Sendable (Converter.Progress) -> Void) throws -> BundleReport
  ) throws {
    try show(job, json: { try $0.jsonData() }) { BundleSummary.render($0, output: output, reportPath: reportPath) }
  }

  private func show<Report>(
    _ job: (@escaping @Sendable (Converter.Progress) -> Void) throws -> Report, json jsonData: (Report) throws -> Data,
    summary: (Report) -> String
  ) throws {
    InterruptHandler.install()
    let bar = ProgressBar(mode: progressMode)
    let result = try reportingErrors {
      try job { bar.update($0) }
    }
    bar.finish()
    if json {
      print(String(decoding: try jsonData(result), as: UTF8.self))
    } else if !quiet {
      print(summary(result))
    }
  }
}
