import Foundation

/// Fits every tensor of a `TableRule` to a trained table: the terms, the projection, the exact
/// rows, minimising Σᵢ wᵢ‖Eᵢ − Êᵢ‖² (wᵢ = 1 without weights). docs/fits.md describes each step.
///
/// A plain rule without weights is `CompositionalFitter`'s fit, bit for bit, streamed as it
/// streams. Anything else holds the table in memory (read in one pass) with a residual or the
/// projection's coefficients, and is refused when that does not fit `options.memoryBudget`.
///
///     let rule = try TableRule(rows: 512, dim: 384, scheme: .qr, operation: .mult, terms: 4)
///     let result = try RuleFitter.fit(table, rule: rule)
///     result.tables.terms.count  // 4
public enum RuleFitter {
  /// - Parameters:
  ///   - weights: one per id, already floored (`IdCounts.weights(floor:)`); nil fits unweighted.
  public static func fit(
    _ source: any TableSource, rule: TableRule, weights: [Double]? = nil, options: FitOptions = .init(),
    progress: (@Sendable (FitProgress) -> Void)? = nil
  ) throws -> RuleFitResult {
    guard source.info.rows == rule.rows, source.info.dim == rule.dim else {
      throw EmbCompressError.invalidArguments(
        detail: "the rule is for \(rule.rows)×\(rule.dim) but \(source.info.path) is \(source.info.rows)×\(source.info.dim)")
    }
    if let weights {
      guard weights.count == rule.rows else {
        throw EmbCompressError.invalidArguments(detail: "\(weights.count) weights for \(rule.rows) rows")
      }
      guard weights.allSatisfy({ $0 >= 0 && $0.isFinite }), weights.contains(where: { $0 > 0 }) else {
        throw EmbCompressError.invalidArguments(detail: "weights must be finite, not negative, and not all zero")
      }
    }
    if rule.isPlain, weights == nil {
      let fitted = try CompositionalFitter.fit(source, layout: rule.terms[0], options: options, progress: progress)
      return RuleFitResult(
        tables: RuleTables(fitted.tables), passes: fitted.passes, iterations: fitted.iterations,
        converged: fitted.converged, seconds: fitted.seconds, method: fitted.method.rawValue)
    }
    let started = DispatchTime.now().uptimeNanoseconds
    // Projected terms are K wide; the first fit of their coefficients checks them the same way.
    if rule.projectionRank == nil {
      for layout in rule.terms { try CompositionalFitter.validate(source: source, layout: layout, options: options) }
    }
    try checkMemory(rule: rule, weighted: weights != nil, options: options)

    let (rows, dim) = (rule.rows, rule.dim)
    var table = [Float](repeating: 0, count: rows * dim)
    try table.withUnsafeMutableBufferPointer { destination in
      var reporter = ProgressReporter(pass: 1, rows: rows, phase: "read", progress: progress)
      try source.readAll(into: destination, maxBlockBytes: options.maxBlockBytes, readAhead: options.threads > 1) {
        reporter.report($0.rows.upperBound)
      }
      reporter.finish()
    }
    // The rule without exact rows: what the terms and projection rebuild.
    let fittedRule = TableRule(
      rows: rows, dim: dim, scheme: rule.scheme, terms: rule.terms, projectionRank: rule.projectionRank)

    var fitWeights = weights
    var exactIDs: [Int] = []
    var methods: [String] = []
    var iterations = 0
    var first: Core?
    if rule.exactRowCount > 0 {
      if let weights {
        exactIDs = ExactRowSelection.largest(rule.exactRowCount, of: weights)
      } else {
        let all = try core(table: table, rule: fittedRule, weights: nil, start: nil, options: options, progress: progress)
        exactIDs = ExactRowSelection.largest(rule.exactRowCount, of: ExactRowSelection.rowErrors(table: table, tables: all.tables))
        methods += all.methods + ["worst-rows"]
        iterations += all.iterations
        first = all
      }
      // The exact rows are stored as they are; the rest of the fit should not spend anything on them.
      var zeroed = weights ?? [Double](repeating: 1, count: rows)
      for id in exactIDs { zeroed[id] = 0 }
      fitWeights = zeroed
    }
    // A first fit without projection is a good start for the weighted refit of the same target.
    let start = rule.projectionRank == nil ? first?.tables.terms : nil
    let fitted = try core(table: table, rule: fittedRule, weights: fitWeights, start: start, options: options, progress: progress)
    methods += fitted.methods
    iterations += fitted.iterations
    if !exactIDs.isEmpty { methods.append("exact-rows") }

    var exactRows = [Float](repeating: 0, count: exactIDs.count * dim)
    for (index, id) in exactIDs.enumerated() {
      for c in 0..<dim { exactRows[index * dim + c] = table[id * dim + c] }
    }
    let tables = RuleTables(
      rule: rule, terms: fitted.tables.terms, projection: fitted.tables.projection, exactIDs: exactIDs,
      exactRows: exactRows)
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    return RuleFitResult(
      tables: tables, passes: 1, iterations: iterations, converged: fitted.converged, seconds: seconds,
      method: methods.joined(separator: "+"))
  }

  /// The terms and projection fitted to the held table.
  private struct Core {
    var tables: RuleTables
    var iterations: Int
    var converged: Bool
    var methods: [String]
  }

  private static func core(
    table: [Float], rule: TableRule, weights: [Double]?, start: [CompositionalTables]?, options: FitOptions,
    progress: (@Sendable (FitProgress) -> Void)?
  ) throws -> Core {
    try BLASThreads.withSingleThread {
      if let rank = rule.projectionRank {
        let fit = try ProjectionFit(
          table: table, rows: rule.rows, dim: rule.dim, rank: rank, layouts: rule.terms, weights: weights,
          options: options, progress: progress)
        return Core(
          tables: RuleTables(rule: rule, terms: fit.terms.tables, projection: fit.projection),
          iterations: fit.terms.iterations, converged: fit.terms.converged, methods: fit.methods)
      }
      let fit = try TermFitter.fit(
        target: table, rows: rule.rows, width: rule.dim, layouts: rule.terms, weights: weights, start: start,
        options: options, progress: progress)
      return Core(
        tables: RuleTables(rule: rule, terms: fit.tables), iterations: fit.iterations, converged: fit.converged,
        methods: fit.methods)
    }
  }

  /// What the in-memory fit holds: the table (Float), its residual or coefficients (Double) and,
  /// with a projection, the coefficients and their fit (Float) too.
  static func heldBytes(rule: TableRule) -> Int {
    let (rows, dim, width) = (rule.rows, rule.dim, rule.width)
    var bytes = rows * dim * 4 + rows * width * 8
    if rule.projectionRank != nil { bytes += 2 * rows * width * 4 }
    // R mult terms solve R × R systems per bucket and column.
    let terms = rule.terms.count
    if terms > 1, let largest = rule.terms[0].partitions.map(\.modulus).max() {
      bytes += largest * width * (terms * terms + terms) * 8
    }
    return bytes
  }

  private static func checkMemory(rule: TableRule, weighted: Bool, options: FitOptions) throws {
    let needed = heldBytes(rule: rule)
    guard needed > options.memoryBudget else { return }
    let mebibytes = (needed + (1 << 20) - 1) >> 20
    var parts: [String] = []
    if rule.terms.count > 1 { parts.append("--terms") }
    if rule.projectionRank != nil { parts.append("--project") }
    if rule.exactRowCount > 0 { parts.append("--exact-rows") }
    if weighted { parts.append("--counts") }
    throw EmbCompressError.invalidArguments(
      detail: "\(parts.joined(separator: ", ")) fit the table held in memory with its residual: that needs \(mebibytes) MiB, more than the memory budget; give --memory \(mebibytes)M or more")
  }
}
