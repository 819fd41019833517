import ArgumentParser
import EmbCompress

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

  func validate() throws {
    if json && quiet { throw ValidationError("--json and --quiet exclude each other") }
  }

  /// `present` for a run over several tables, whose report has a section per table.
  func present(
    bundle output: String, reportPath: String,
    _ job: (@escaping @Sendable (Converter.Progress) -> Void) throws -> BundleReport
  ) throws {
    InterruptHandler.install()
    let bar = ProgressBar(enabled: !quiet && ProgressBar.stderrIsTerminal)
    let result = try reportingErrors {
      try job { bar.update(phase: $0.phase, done: $0.rowsDone, total: $0.rowsTotal) }
    }
    bar.finish()
    if json {
      print(String(decoding: try result.jsonData(), as: UTF8.self))
    } else if !quiet {
      print(BundleSummary.render(result, output: output, reportPath: reportPath))
    }
  }

  /// Runs `job` with a progress bar on a terminal, then prints the report as asked; library
  /// errors become one line on stderr and their exit code.
  func present(
    reportPath: String, htmlPath: String?,
    _ job: (@escaping @Sendable (Converter.Progress) -> Void) throws -> ConversionReport
  ) throws {
    InterruptHandler.install()
    let bar = ProgressBar(enabled: !quiet && ProgressBar.stderrIsTerminal)
    let result = try reportingErrors {
      try job { bar.update(phase: $0.phase, done: $0.rowsDone, total: $0.rowsTotal) }
    }
    bar.finish()
    if json {
      print(String(decoding: try result.jsonData(), as: UTF8.self))
    } else if !quiet {
      print(ReportSummary.render(result, reportPath: reportPath, htmlPath: htmlPath))
    }
  }
}
