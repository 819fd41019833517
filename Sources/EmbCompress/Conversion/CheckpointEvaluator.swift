import Foundation

/// `embcompress evaluate`: measures a `.qr` checkpoint made earlier or elsewhere against a table,
/// with the same code and the same report as a conversion — less the fit section, since nothing
/// was fitted (`fit` is null).
///
///     let report = try CheckpointEvaluator.run(EvaluationRequest(input: "in.h5", checkpoint: "out.qr"))
///     report.baselines.first?.relativeFrobenius
public enum CheckpointEvaluator {
  /// - Throws: the checkpoint's and the table's reading errors; `.tableMismatch` (a data error)
  ///   when the table's shape is not the one the checkpoint rebuilds; output errors as `convert`.
  public static func run(
    _ request: EvaluationRequest, progress: (@Sendable (Converter.Progress) -> Void)? = nil
  ) throws -> ConversionReport {
    let started = Date()
    let outputs = [request.reportPath] + (request.htmlPath.map { [$0] } ?? [])
    let inputs = [request.input, request.checkpoint] + (request.counts.map { [$0.path] } ?? [])
    try ReportOutputs.check(outputs, inputs: inputs, replacing: request.replaceExisting)
    try AddressSpace.checkBLASHeadroom(threads: request.options.threads)

    let table = try CompressedTable(contentsOf: request.checkpoint)
    let opened = try openTable(request.input, options: request.inputOptions)
    let info = opened.info
    guard info.rows == table.rows, info.dim == table.dim else {
      throw EmbCompressError.tableMismatch(
        path: request.input, rows: info.rows, dim: info.dim, checkpoint: request.checkpoint,
        checkpointRows: table.rows, checkpointDim: table.dim)
    }
    let run = RunProgress(handler: progress)
    let counts = try request.counts.map { try IdCounts(
        path: $0.path, dataset: $0.dataset, rows: info.rows, allowExternal: request.inputOptions.allowExternal,
        hdf5Launcher: request.inputOptions.hdf5Launcher) }
    let evaluation = try TableEvaluator.evaluate(
      opened, against: table.tables, precision: table.precision, counts: counts?.values, options: request.options
    ) { run.evaluation($0, $1, $2) }

    var report = ConversionReport(
      command: .evaluate, input: info,
      checkpoint: ConversionReport.Checkpoint(
        path: request.checkpoint, bytes: table.fileBytes, rule: table.rule, precision: table.precision),
      evaluation: evaluation, fit: nil, seconds: 0)
    report.commandLine = request.commandLine
    report.seconds = Date().timeIntervalSince(started)

    let files = AtomicOutputSet()
    try ReportOutputs.add(report, reportPath: request.reportPath, htmlPath: request.htmlPath, to: files, replacing: request.replaceExisting)
    try files.commit()
    return report
  }
}
