import Foundation

/// The main job: read a table, fit compositional tables to it, measure them as stored against
/// the input and the baselines, and write the checkpoint and the report.
///
///     let report = try Converter.run(ConversionRequest(input: "in.h5", output: "out.qr"))
///     print(report.error.relativeFrobenius)
public enum Converter {
  /// What the converter is doing, for a progress display.
  public struct Progress: Sendable {
    /// `fit pass N`, `measure` or `neighbours`.
    public var phase: String
    /// Rows of this pass done and in all; for `neighbours`, searches instead of rows.
    public var rowsDone: Int
    public var rowsTotal: Int
    /// This pass over the rows of the whole run, from 1: the fit's passes, then the measuring
    /// pass (the neighbour check, which reads no rows, counts as the last).
    public var pass = 1
    /// The passes the run takes, as far as is known now.
    public var passes = 1
    /// True while an iterative fit runs: it stops when it converges, so `passes` is a lower
    /// bound that grows with each of its passes.
    public var passesMayGrow = false
    /// What a fit pass computes, such as `gram` or `als`.
    public var detail: String?
    /// What `rowsDone` and `rowsTotal` count when it is not rows over passes: `candidates` for
    /// the plan's steps. A display then shows the count and its rate within the phase, and no
    /// passes. Nil for rows.
    public var unit: String?

    public init(
      phase: String, rowsDone: Int, rowsTotal: Int, pass: Int = 1, passes: Int = 1, passesMayGrow: Bool = false,
      detail: String? = nil, unit: String? = nil
    ) {
      self.unit = unit
      self.phase = phase
      self.rowsDone = rowsDone
      self.rowsTotal = rowsTotal
      self.pass = pass
      self.passes = passes
      self.passesMayGrow = passesMayGrow
      self.detail = detail
    }
  }

  public static func run(
    _ request: ConversionRequest, progress: (@Sendable (Progress) -> Void)? = nil
  ) throws -> ConversionReport {
    let started = Date()
    try checkOutputs(request)
    // The checkpoint is written to its temporary file while the neighbour check runs.
    let staging = CheckpointStaging(path: request.output, replacing: request.replaceExisting)
    let (_, fitted) = try fit(request, staging: staging, progress: progress)
    let written = try staging.written()
    var report = fitted
    report.checkpoint.bytes = written.fileBytes
    report.plan = request.plan
    report.seconds = Date().timeIntervalSince(started)

    // Every file is written before any appears, so an interruption or a full disk leaves none;
    // the report goes in place last, so a checkpoint never stands without one.
    let files = AtomicOutputSet()
    files.add(written: written.output)
    try ReportOutputs.add(report, reportPath: request.reportPath, htmlPath: request.htmlPath, to: files, replacing: request.replaceExisting)
    try files.commit()
    return report
  }

  /// Fits each of `tables` (tensor or dataset names in `request.input`) with the same options,
  /// into one `.qr` file holding them all and one report with a section per table.
  ///
  /// Each table's fit and figures are those of a separate run on it alone.
  public static func run(
    _ request: ConversionRequest, tables names: [String], progress: (@Sendable (Progress) -> Void)? = nil
  ) throws -> BundleReport {
    let started = Date()
    try checkOutputs(request)
    guard !names.isEmpty else {
      throw EmbCompressError.noTableFound(path: request.input, detail: "no table matches")
    }
    if request.htmlPath != nil {
      throw EmbCompressError.invalidArguments(detail: "--html draws the report of one table; with several, read the JSON report")
    }
    if request.counts != nil && names.count > 1 {
      throw EmbCompressError.invalidArguments(detail: "--counts gives one count per id of one table; it cannot weight \(names.count) tables")
    }
    var fitted: [(name: String, checkpoint: Checkpoint)] = []
    var reports: [BundleReport.Table] = []
    for (index, name) in names.enumerated() {
      var single = request
      single.inputOptions.name = name
      let tableStarted = Date()
      var (checkpoint, report) = try fit(single, staging: nil) { step in
        var step = step
        step.phase = "table \(index + 1)/\(names.count) \(step.phase)"
        progress?(step)
      }
      report.seconds = Date().timeIntervalSince(tableStarted)
      fitted.append((name, checkpoint))
      reports.append(BundleReport.Table(name: name, report: report))
    }
    let bundle = CheckpointBundle(tables: fitted)
    let header = bundle.encodedHeader()
    var report = BundleReport(tables: reports, fileBytes: header.count + bundle.tensorBytes, seconds: 0)
    report.seconds = Date().timeIntervalSince(started)

    let files = AtomicOutputSet()
    try files.add(path: request.output, replacing: request.replaceExisting) { try bundle.write(header: header, to: $0) }
    try files.add(path: request.reportPath, replacing: request.replaceExisting, bytes: Array(try report.jsonData()))
    try files.commit()
    return report
  }

  /// Refuses, before any work, outputs that name an input or each other, that exist (without
  /// `replaceExisting`) or whose folder cannot take them; and a `--counts-floor` that means
  /// nothing. `run` checks first; `convert --auto` checks before it plans, too.
  public static func checkOutputs(_ request: ConversionRequest) throws {
    let outputs = [request.output, request.reportPath] + (request.htmlPath.map { [$0] } ?? [])
    let inputs = [request.input] + (request.counts.map { [$0.path] } ?? [])
    try ReportOutputs.check(outputs, inputs: inputs, replacing: request.replaceExisting)
    try ReportOutputs.probe(outputs)
    try AddressSpace.checkBLASHeadroom(threads: request.fit.threads)
    if let floor = request.counts?.floor, !(floor >= 0 && floor.isFinite) {
      throw EmbCompressError.invalidArguments(detail: "--counts-floor must be a finite number ≥ 0, not \(floor)")
    }
  }

  /// Reads, fits and measures the one table `request` names; the report's `bytes` counts the
  /// tensors only until the caller knows the header.
  private static func fit(
    _ request: ConversionRequest, staging: CheckpointStaging?, progress: (@Sendable (Progress) -> Void)?
  ) throws -> (Checkpoint, ConversionReport) {
    let opened = try openTable(request.input, options: request.inputOptions)
    let info = opened.info
    let counts = try request.counts.map { try IdCounts(
        path: $0.path, dataset: $0.dataset, rows: info.rows, allowExternal: request.inputOptions.allowExternal,
        hdf5Launcher: request.inputOptions.hdf5Launcher) }
    let rule = try TableRule(
      rows: info.rows, dim: info.dim, scheme: request.scheme, operation: request.operation, sizing: request.sizing,
      concatDims: request.concatDims, terms: request.terms, projectionRank: request.projectionRank,
      exactRowCount: request.exactRows?.resolved(rows: info.rows) ?? 0, inputBytesPerValue: info.elementType.byteSize,
      precision: request.precision)

    // The fit floors the counts; the report weighs its figures by the counts as given.
    let weights = request.counts.flatMap { counts?.weights(floor: $0.floor) }
    let run = RunProgress(rule: rule, handler: progress)
    let options = EvaluationOptions(
      seed: request.fit.seed, threads: request.fit.threads, maxBlockBytes: request.fit.maxBlockBytes,
      memoryBudget: request.fit.memoryBudget)
    let groundwork = EvaluationGroundwork(rule: rule, precision: request.precision, weighted: counts != nil, options: options)
    let fitted = try RuleFitter.fit(opened, rule: rule, weights: weights, options: request.fit) { run.fit($0) }
    let stored = fitted.tables.rounded(to: request.precision)
    let name = request.input.split(separator: "/").last.map(String.init) ?? request.input
    let unmeasured = Checkpoint(
      tables: stored, precision: request.precision, source: info.name.map { name + ":" + $0 } ?? name, relativeError: 0)
    // The data section's digest does not depend on the report: hashed while the report is measured.
    staging?.hashData(of: unmeasured)
    let evaluation = try TableEvaluator.evaluate(
      opened, against: stored, precision: request.precision, counts: counts?.values, options: options,
      groundwork: groundwork
    ) {
      run.evaluation($0, $1, $2)
    } measured: { error in
      var measured = unmeasured
      measured.relativeError = error.relativeFrobenius
      staging?.write(measured)
    }

    var checkpoint = unmeasured
    checkpoint.relativeError = evaluation.error.relativeFrobenius
    var report = ConversionReport(
      command: .convert, input: info,
      checkpoint: ConversionReport.Checkpoint(
        path: request.output, bytes: checkpoint.tensorBytes, rule: rule, precision: request.precision),
      evaluation: evaluation,
      fit: ConversionReport.Fit(
        passes: fitted.passes, iterations: fitted.iterations, converged: fitted.converged, seconds: fitted.seconds),
      seconds: 0)
    report.commandLine = request.commandLine
    return (checkpoint, report)
  }
}
