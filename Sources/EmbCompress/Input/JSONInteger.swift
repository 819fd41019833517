import Foundation

/// Whole numbers from `JSONSerialization` output, strictly.
///
/// Foundation hands back `true`, `4.0` and `1e3` as `NSNumber` like any integer, and
/// `true as? Int` is 1, so `as? Int` alone would read `"shape": [true, 3]` as `[1, 3]`.
/// Headers from untrusted files get no such leniency: only integer literals count.
///
///     JSONInteger.exact(NSNumber(value: 7))  // 7
///     JSONInteger.exact(NSNumber(value: true))  // nil
enum JSONInteger {
  static func exact(_ value: Any) -> Int? {
    guard let number = value as? NSNumber, !(value is String) else { return nil }
    switch String(cString: number.objCType) {
    case "c", "C", "B", "f", "d": return nil  // booleans, and numbers written with a fraction or exponent
    default: return number as? Int
    }
  }
}
