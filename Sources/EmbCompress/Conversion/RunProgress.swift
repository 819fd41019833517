import Foundation

/// Turns the fit's and the evaluation's own progress calls into `Converter.Progress` over the
/// whole run: which pass over the rows this is of how many, so a display can give one ETA for
/// the run rather than for the current pass.
///
/// How many passes a fit takes is known beforehand only for the closed-form fits (one pass) and
/// the exact Gram route on a full grid (two); an iterative fit stops when it converges, so its
/// count is a lower bound that grows with each pass (`passesMayGrow`).
final class RunProgress: @unchecked Sendable {
  private let lock = NSLock()
  private let handler: (@Sendable (Converter.Progress) -> Void)?
  private let fitPasses: Int
  private let fitPassesMayGrow: Bool
  private var lastFitPass = 0

  /// For `evaluate`: no fit, one measuring pass.
  init(handler: (@Sendable (Converter.Progress) -> Void)?) {
    self.handler = handler
    fitPasses = 0
    fitPassesMayGrow = false
  }

  init(rule: TableRule, handler: (@Sendable (Converter.Progress) -> Void)?) {
    self.handler = handler
    guard rule.isPlain else {
      // Terms, projections, exact rows and weights are all fitted by iterating.
      (fitPasses, fitPassesMayGrow) = (2, true)
      return
    }
    let layout = rule.terms[0]
    switch CompositionalFitter.method(for: layout) {
    case .bucketMeans, .backfitting:
      (fitPasses, fitPassesMayGrow) = (1, false)
    case .gramRankOne, .alsRankOne:
      // Gram then one ALS sweep on a full grid; a partial grid, or ALS when the Gram matrices
      // do not fit, iterates.
      (fitPasses, fitPassesMayGrow) = (2, MixedRadixGrid(layout)?.isFull != true)
    case .cpRankOne:
      (fitPasses, fitPassesMayGrow) = (2, true)
    }
  }

  func fit(_ step: FitProgress) {
    guard let handler else { return }
    let passes: Int
    lock.lock()
    lastFitPass = max(lastFitPass, step.pass)
    // While iterating, at least one more fit pass may follow the current one.
    passes = (fitPassesMayGrow ? max(fitPasses, step.pass + 1) : max(fitPasses, step.pass)) + 1
    lock.unlock()
    handler(
      Converter.Progress(
        phase: "fit pass \(step.pass)", rowsDone: step.rowsDone, rowsTotal: step.rowsTotal, pass: step.pass,
        passes: passes, passesMayGrow: fitPassesMayGrow, detail: step.phase))
  }

  /// The measuring pass (`measure`, rows) and the neighbour check after it (`neighbours`).
  func evaluation(_ phase: String, _ done: Int, _ total: Int) {
    guard let handler else { return }
    lock.lock()
    let pass = lastFitPass + 1
    lock.unlock()
    handler(
      Converter.Progress(
        phase: phase, rowsDone: done, rowsTotal: total, pass: pass, passes: pass, passesMayGrow: false, detail: nil))
  }
}
