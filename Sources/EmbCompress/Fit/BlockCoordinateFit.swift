import CKernels
import Foundation

/// The weighted fit of a sum of add or mult terms (docs/fits.md, "Weighted fits"): block
/// coordinate descent over the (term, partition) blocks, each replaced by its closed-form weighted
/// least-squares update given the others, on a residual held in memory.
///
/// For add this is weighted backfitting; for mult it is weighted ALS (rank-1 CP per column, and
/// for R terms the sum of R such products). Each update is an exact minimisation over its block,
/// so the weighted error Σᵢ wᵢ‖Eᵢ − Êᵢ‖² never rises. Every column is its own problem and every
/// sum runs over the ids in order within one column (`ck_rule_block_update`), so `ColumnWorkers`
/// can split the columns without changing a bit.
struct BlockCoordinateFit {
  /// Σᵢ wᵢ (Eᵢ[c] − Êᵢ[c])², per column, at the end.
  var columnErrors: [Double]
  var iterations: Int
  var converged: Bool

  var squaredError: Double { columnErrors.reduce(0, +) }

  /// Refines `tables` (add: one term; mult: any number) in place toward `target`
  /// (`rows × width`, row-major).
  ///
  /// A sweep over a large table takes seconds, and a weighted or multi-term fit many sweeps,
  /// all in memory with no block read between them: a stop request (`Cancellation`) is checked
  /// before each sweep and each partition's update, so SIGINT ends the fit at once rather
  /// than by the signal handler's deadline.
  ///
  /// - Throws: `Interrupted`, with `tables` part-way refined.
  ///
  /// - Parameters:
  ///   - weights: one per row (≥ 0), or nil for all 1.
  ///   - totalSquares: Σᵢ wᵢ‖Eᵢ‖², the floor of the convergence rule.
  init(
    target: UnsafeBufferPointer<Float>, rows: Int, width: Int, tables: TermTables, weights: UnsafePointer<Double>?,
    totalSquares: Double, options: FitOptions, workers: ColumnWorkers, phase: String,
    progress: (@Sendable (FitProgress) -> Void)?
  ) throws {
    let layouts = tables.layouts
    let additive: Int32 = layouts[0].operation == .add ? 1 : 0
    let residual = DoubleBuffer(count: rows * width)
    for index in 0..<(rows * width) { residual.pointer[index] = Double(target[index]) }
    let divisors = layouts.map { $0.partitions.map(\.divisor) }
    let moduli = layouts.map { $0.partitions.map(\.modulus) }
    let pointers = tables.buffers.map { $0.map { Optional($0.pointer) } }
    let largest = layouts.flatMap(\.partitions).map(\.modulus).max() ?? 1
    let numerator = DoubleBuffer(count: largest * width)
    let denominator = DoubleBuffer(count: largest * width)
    let errors = DoubleBuffer(count: width)
    let shared = UncheckedSendable((residual, numerator, denominator, errors, weights))

    for t in layouts.indices {
      let (k, d, m, p) = (layouts[t].partitions.count, divisors[t], moduli[t], UncheckedSendable(pointers[t]))
      workers.run { range in
        let (residual, _, _, _, _) = shared.value
        ck_rule_subtract_term(
          rows, width, range.lowerBound, range.upperBound, k, d, m, p.value, additive, residual.pointer)
      }
    }
    var previous = 0.0
    for index in 0..<(rows * width) {
      let v = residual.pointer[index]
      previous += (weights?[index / width] ?? 1) * v * v
    }

    let rule = ConvergenceRule(tolerance: options.tolerance, totalSquares: totalSquares)
    var iterations = 0
    var converged = false
    // R mult terms over the same partitions: each partition's R tables are solved jointly (rank-R
    // CP ALS), which converges far faster than one term at a time.
    let joint = additive == 0 && layouts.count > 1
    let terms = layouts.count
    let k = layouts[0].partitions.count
    let normal = DoubleBuffer(count: joint ? largest * width * terms * terms : 0)
    let right = DoubleBuffer(count: joint ? largest * width * terms : 0)
    let all = UncheckedSendable(pointers.flatMap { $0 })
    let jointScratch = UncheckedSendable((normal, right))
    while iterations < options.maxIterations {
      try Cancellation.check()
      iterations += 1
      if joint {
        let (d, m) = (divisors[0], moduli[0])
        for j in 0..<k {
          try Cancellation.check()
          workers.run { range in
            let (residual, _, _, errors, weights) = shared.value
            let (normal, right) = jointScratch.value
            ck_rule_joint_update(
              rows, width, range.lowerBound, range.upperBound, k, terms, d, m, all.value, j, residual.pointer,
              weights, normal.pointer, right.pointer, errors.pointer)
          }
        }
      } else {
        for t in layouts.indices {
          let (k, d, m, p) = (layouts[t].partitions.count, divisors[t], moduli[t], UncheckedSendable(pointers[t]))
          for j in 0..<k {
            try Cancellation.check()
            workers.run { range in
              let (residual, numerator, denominator, errors, weights) = shared.value
              ck_rule_block_update(
                rows, width, range.lowerBound, range.upperBound, k, d, m, p.value, j, additive, residual.pointer,
                weights, numerator.pointer, denominator.pointer, errors.pointer)
            }
          }
        }
      }
      let current = (0..<width).reduce(0.0) { $0 + errors[$1] }
      progress?(FitProgress(pass: iterations, rowsDone: rows, rowsTotal: rows, phase: phase))
      if rule.isConverged(previous: previous, current: current) {
        converged = true
        break
      }
      previous = current
    }
    columnErrors = (0..<width).map { errors[$0] }
    self.iterations = iterations
    self.converged = converged
  }
}
