import Foundation

/// Tables whose ids hide structure the plan must find, written as raw float32 files: crossed
/// features id = a·K + b (mult: u_a ⊙ v_b, add: u_a + v_b) and three nested levels
/// id = (a·K₂ + b)·K₁ + c (mult: u_a ⊙ v_b ⊙ w_c), each plus Gaussian noise at `noise` times
/// the signal's root mean square — the noise floor a perfect fit reaches.
enum HiddenStructureTables {
  enum Kind {
    case crossedMult(k: Int)
    case crossedAdd(k: Int)
    case nestedMult(k1: Int, k2: Int)
  }

  static func values(_ kind: Kind, rows: Int, dim: Int, noise: Double = 0.05, seed: UInt64 = 1) -> [Float] {
    var random = TestRandom(seed: seed)
    func table(_ count: Int) -> [Double] { (0..<(count * dim)).map { _ in random.normal() } }
    var signal = [Double](repeating: 0, count: rows * dim)
    switch kind {
    case .crossedMult(let k), .crossedAdd(let k):
      let u = table((rows + k - 1) / k), v = table(k)
      let add = if case .crossedAdd = kind { true } else { false }
      for id in 0..<rows {
        for c in 0..<dim {
          let (x, y) = (u[(id / k) * dim + c], v[(id % k) * dim + c])
          signal[id * dim + c] = add ? x + y : x * y
        }
      }
    case .nestedMult(let k1, let k2):
      let u = table((rows + k1 * k2 - 1) / (k1 * k2)), v = table(k2), w = table(k1)
      for id in 0..<rows {
        for c in 0..<dim {
          signal[id * dim + c] = u[(id / (k1 * k2)) * dim + c] * v[((id / k1) % k2) * dim + c] * w[(id % k1) * dim + c]
        }
      }
    }
    let rms = (signal.map { $0 * $0 }.reduce(0, +) / Double(signal.count)).squareRoot()
    return signal.map { Float($0 + noise * rms * random.normal()) }
  }

  /// Writes the table to `path` (raw little-endian float32; read it with `--dim dim`).
  static func write(_ kind: Kind, rows: Int, dim: Int, to path: String, noise: Double = 0.05) throws {
    let values = values(kind, rows: rows, dim: dim, noise: noise)
    try values.withUnsafeBufferPointer { Data(buffer: $0) }.write(to: URL(fileURLWithPath: path))
  }
}
