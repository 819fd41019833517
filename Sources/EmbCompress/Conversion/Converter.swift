import Foundation

/// The main job: read a table, fit compositional tables to it, measure them as stored against
/// the input and the baselines, and write the checkpoint and the report.
///
///     let report = try Converter.run(ConversionRequest(input: "in.h5", output: "out.qr"))
///     print(report.error.relativeFrobenius)
public enum Converter {
  /// What the converter is doing, for a progress display.
  public struct Progress: Sendable {
    public var phase: String
    public var rowsDone: Int
    public var rowsTotal: Int
  }

  public static func run(
    _ request: ConversionRequest, progress: (@Sendable (Progress) -> Void)? = nil
  ) throws -> ConversionReport {
    let started = Date()
    let outputs = [request.output, request.reportPath] + (request.htmlPath.map { [$0] } ?? [])
    try ReportOutputs.check(outputs, inputs: [request.input], replacing: request.replaceExisting)
    try AddressSpace.checkBLASHeadroom(threads: request.fit.threads)

    let opened = try openTable(request.input, options: request.inputOptions)
    let info = opened.info
    let layout = try CompositionalLayout(
      rows: info.rows, dim: info.dim, scheme: request.scheme, operation: request.operation, sizing: request.sizing,
      concatDims: request.concatDims, inputBytesPerValue: info.elementType.byteSize,
      storedBytesPerValue: request.precision.byteSize)

    let fitted = try CompositionalFitter.fit(opened, layout: layout, options: request.fit) { step in
      progress?(Progress(phase: "fit pass \(step.pass)", rowsDone: step.rowsDone, rowsTotal: step.rowsTotal))
    }
    let stored = fitted.tables.rounded(to: request.precision)
    let options = EvaluationOptions(
      seed: request.fit.seed, threads: request.fit.threads, maxBlockBytes: request.fit.maxBlockBytes,
      memoryBudget: request.fit.memoryBudget)
    let evaluation = try TableEvaluator.evaluate(opened, against: stored, precision: request.precision, options: options) {
      progress?(Progress(phase: $0, rowsDone: $1, rowsTotal: $2))
    }

    let name = request.input.split(separator: "/").last.map(String.init) ?? request.input
    let checkpoint = Checkpoint(
      tables: stored, precision: request.precision, source: info.name.map { name + ":" + $0 } ?? name,
      relativeError: evaluation.error.relativeFrobenius)
    let header = checkpoint.encodedHeader()
    var report = ConversionReport(
      command: .convert, input: info,
      checkpoint: ConversionReport.Checkpoint(
        path: request.output, bytes: header.count + checkpoint.tensorBytes, tensorBytes: checkpoint.tensorBytes, precision: request.precision,
        scheme: layout.scheme, operation: layout.operation, partitions: layout.partitions),
      evaluation: evaluation,
      fit: ConversionReport.Fit(
        passes: fitted.passes, iterations: fitted.iterations, converged: fitted.converged, seconds: fitted.seconds),
      seconds: 0)
    report.seconds = Date().timeIntervalSince(started)

    // Every file is written before any appears, so an interruption or a full disk leaves none;
    // the report goes in place last, so a checkpoint never stands without one.
    let files = AtomicOutputSet()
    try files.add(path: request.output, replacing: request.replaceExisting) { try checkpoint.write(header: header, to: $0) }
    try ReportOutputs.add(report, reportPath: request.reportPath, htmlPath: request.htmlPath, to: files, replacing: request.replaceExisting)
    try files.commit()
    return report
  }
}
