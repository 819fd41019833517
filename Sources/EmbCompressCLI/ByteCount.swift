import ArgumentParser
import Foundation

/// A size in bytes with an optional binary suffix: 1048576, 512K, 256M, 4G, 1T.
struct ByteCount: ExpressibleByArgument {
  var bytes: Int

  init?(argument: String) {
    let text = argument.uppercased().replacingOccurrences(of: "IB", with: "").replacingOccurrences(of: "B", with: "")
    let shifts: [Character: Int] = ["K": 10, "M": 20, "G": 30, "T": 40]
    var digits = Substring(text)
    var shift = 0
    if let last = text.last, let unit = shifts[last] {
      shift = unit
      digits = digits.dropLast()
    }
    guard let value = Double(digits), value > 0, value.isFinite else { return nil }
    let bytes = value * Double(1 << shift)
    guard bytes < Double(Int.max) else { return nil }
    self.bytes = Int(bytes)
  }
}
