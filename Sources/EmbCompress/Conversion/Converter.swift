import Foundation

/// The main job: read a table, fit compositional tables to it, measure them as stored, and
/// write the checkpoint and the report.
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
    try OutputPathCheck.check(output: request.output, input: request.input, replacing: request.replaceExisting)
    try OutputPathCheck.check(output: request.reportPath, input: request.input, replacing: request.replaceExisting)
    guard request.output != request.reportPath else {
      throw EmbCompressError.invalidOption(path: request.reportPath, detail: "the report cannot be the checkpoint itself")
    }

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
    let errors = try ReconstructionEvaluator.measure(opened, against: stored, threads: request.fit.threads) { done in
      progress?(Progress(phase: "measure", rowsDone: done, rowsTotal: info.rows))
    }
    let metrics = ErrorMetrics(errors)

    let name = request.input.split(separator: "/").last.map(String.init) ?? request.input
    let checkpoint = Checkpoint(
      tables: stored, precision: request.precision, source: info.name.map { name + ":" + $0 } ?? name,
      relativeError: metrics.relativeFrobenius)
    let bytes = checkpoint.serialized()
    var report = ConversionReport(
      input: ConversionReport.Input(info),
      checkpoint: ConversionReport.Checkpoint(
        path: request.output, bytes: bytes.count, tensorBytes: checkpoint.tensorBytes, precision: request.precision,
        scheme: layout.scheme, operation: layout.operation, partitions: layout.partitions),
      compressionRatio: Double(info.bytes) / Double(checkpoint.tensorBytes),
      error: metrics,
      fit: ConversionReport.Fit(
        passes: fitted.passes, iterations: fitted.iterations, converged: fitted.converged, seconds: fitted.seconds),
      seconds: 0)
    report.seconds = Date().timeIntervalSince(started)

    // Both files are written before either appears, so an interruption or a full disk leaves
    // neither; the report goes in place second, so a checkpoint never stands without one.
    let checkpointFile = try AtomicOutput(path: request.output, replacing: request.replaceExisting)
    try bytes.withUnsafeBytes { try checkpointFile.write($0) }
    let reportFile = try AtomicOutput(path: request.reportPath, replacing: request.replaceExisting)
    try report.jsonData().withUnsafeBytes { try reportFile.write($0) }
    try checkpointFile.commit()
    TemporaryFileRegistry.shared.add(request.output)
    defer { TemporaryFileRegistry.shared.remove(request.output) }
    do {
      try reportFile.commit()
    } catch {
      unlink(request.output)
      throw error
    }
    return report
  }
}
