import Foundation

/// Fixes the scale and sign freedom of a mult fit, which changes no row of Ê.
///
/// Per column, the factors are rescaled to equal root-mean-square over their used buckets (the
/// product's geometric mean), which keeps f16/bf16 storage away from overflow and underflow; then
/// every factor but the last is flipped, with the last, to a non-negative sum. A column whose fit
/// is zero becomes zero in every table, and buckets no id uses are 0.
enum MultiplicativeGauge {
  /// Where a factor's `modulus × dim` values live: the fitter's Double buffers, or a Float table
  /// that becomes the output as it is (the large slow factor of a grid fit).
  enum Storage {
    case double(UnsafeMutablePointer<Double>)
    case float(UnsafeMutablePointer<Float>)
  }

  static func apply(factors: [DoubleBuffer], counts: [[Double]], dim: Int) {
    apply(factors: factors.map { .double($0.pointer) }, counts: counts, dim: dim)
  }

  static func apply(factors: [Storage], counts: [[Double]], dim: Int) {
    let k = factors.count
    // Per factor and column: Σ f² and Σ f over the used buckets.
    let squares = factors.map { _ in DoubleBuffer(count: dim) }
    let sums = factors.map { _ in DoubleBuffer(count: dim) }
    var used = [Double](repeating: 0, count: k)
    for l in 0..<k {
      let (square, sum) = (squares[l].pointer, sums[l].pointer)
      func accumulate<T: BinaryFloatingPoint>(_ values: UnsafeMutablePointer<T>) {
        for (b, count) in counts[l].enumerated() where count > 0 {
          let row = values + b * dim
          for c in 0..<dim {
            let value = Double(row[c])
            square[c] += value * value
            sum[c] += value
          }
          used[l] += 1
        }
      }
      switch factors[l] {
      case .double(let values): accumulate(values)
      case .float(let values): accumulate(values)
      }
    }
    // Per factor and column, the multiplier: scale times sign (0 for a column whose fit is zero).
    let multipliers = factors.map { _ in DoubleBuffer(count: dim) }
    for c in 0..<dim {
      let rms = (0..<k).map { used[$0] > 0 ? (squares[$0][c] / used[$0]).squareRoot() : 0 }
      guard rms.allSatisfy({ $0 > 0 && $0.isFinite }) else { continue }
      let target = exp(rms.reduce(0.0) { $0 + log($1) } / Double(k))
      var lastSign = 1.0
      for l in 0..<k {
        var sign = 1.0
        if l < k - 1 && sums[l][c] < 0 {
          sign = -1
          lastSign = -lastSign
        }
        multipliers[l][c] = sign * target / rms[l]
      }
      multipliers[k - 1][c] *= lastSign
    }
    for l in 0..<k {
      let multiplier = multipliers[l].pointer
      func scale<T: BinaryFloatingPoint>(_ values: UnsafeMutablePointer<T>) {
        for (b, count) in counts[l].enumerated() {
          let row = values + b * dim
          if count > 0 {
            for c in 0..<dim { row[c] = T(Double(row[c]) * multiplier[c]) }
          } else {
            row.update(repeating: 0, count: dim)
          }
        }
      }
      switch factors[l] {
      case .double(let values): scale(values)
      case .float(let values): scale(values)
      }
    }
  }
}
