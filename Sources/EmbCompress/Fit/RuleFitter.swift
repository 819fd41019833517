import Foundation

/// Fits every tensor of a `TableRule` to a trained table: the terms, the projection, the exact
/// rows, minimising Σᵢ wᵢ‖Eᵢ − Êᵢ‖² (wᵢ = 1 without weights).
///
/// A plain rule without weights is `CompositionalFitter`'s fit, bit for bit.
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
    if let weights, weights.count != rule.rows {
      throw EmbCompressError.invalidArguments(detail: "\(weights.count) weights for \(rule.rows) rows")
    }
    guard rule.isPlain, weights == nil else {
      throw EmbCompressError.invalidArguments(detail: "terms, projections, exact rows and counts are not fitted yet")
    }
    let fitted = try CompositionalFitter.fit(source, layout: rule.terms[0], options: options, progress: progress)
    return RuleFitResult(
      tables: RuleTables(fitted.tables), passes: fitted.passes, iterations: fitted.iterations,
      converged: fitted.converged, seconds: fitted.seconds, method: fitted.method.rawValue)
  }
}
