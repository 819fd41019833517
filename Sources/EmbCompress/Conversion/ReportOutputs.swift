/// The report's files, checked before the work and added to the files a command writes.
enum ReportOutputs {
  /// Refuses, before any work, outputs that would overwrite an input or each other, or an
  /// existing file without `replacing` (see `OutputPathCheck`).
  static func check(_ outputs: [String], inputs: [String], replacing: Bool) throws {
    for output in outputs {
      for input in inputs { try OutputPathCheck.check(output: output, input: input, replacing: replacing) }
    }
    // Compared as files, not strings: `--report ./out.qr` must not replace the checkpoint.
    for (index, output) in outputs.enumerated() where outputs[..<index].contains(where: { OutputPathCheck.sameFile($0, output) }) {
      throw EmbCompressError.invalidOption(path: output, detail: "is named for two outputs; give each its own path")
    }
  }

  /// Makes and drops each output's temporary file, as the write will: a folder that cannot take
  /// one (read-only, no permission) is refused before the work — with the write's own
  /// `.cannotCreate` line — instead of after it.
  static func probe(_ outputs: [String]) throws {
    for output in outputs { _ = try AtomicOutput(path: output, replacing: true) }
  }

  /// Adds the JSON report, then the HTML page when asked for, to `files`.
  static func add(
    _ report: ConversionReport, reportPath: String, htmlPath: String?, to files: AtomicOutputSet, replacing: Bool
  ) throws {
    if let htmlPath { try files.add(path: htmlPath, replacing: replacing, bytes: Array(HTMLReport.render(report).utf8)) }
    try files.add(path: reportPath, replacing: replacing, bytes: Array(try report.jsonData()))
  }
}
