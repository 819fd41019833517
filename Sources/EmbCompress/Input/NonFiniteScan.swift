/// Finds NaN and ±Inf in a buffer at memory speed.
public enum NonFiniteScan {
  /// The index of the first non-finite value, or nil when all are finite.
  @inlinable
  public static func firstIndex(in values: UnsafeBufferPointer<Float>) -> Int? {
    let limit = SIMD8<Float>(repeating: .greatestFiniteMagnitude)
    let wide = values.count / 8
    // A NaN compares false, so "all ≤ max" fails for NaN and ±Inf alike.
    var chunk = 0
    while chunk < wide {
      let base = values.baseAddress! + chunk * 8
      let v = UnsafeRawPointer(base).loadUnaligned(as: SIMD8<Float>.self)
      let magnitude = SIMD8<Float>(bitPattern: v.bitPattern & 0x7FFF_FFFF)
      if !all(magnitude .<= limit) { break }
      chunk += 1
    }
    for index in (chunk * 8)..<values.count where !values[index].isFinite {
      return index
    }
    return nil
  }

  /// How many values are NaN or ±Inf.
  public static func count(in values: UnsafeBufferPointer<Float>) -> Int {
    var count = 0
    for value in values where !value.isFinite { count += 1 }
    return count
  }
}

extension SIMD8 where Scalar == Float {
  @inlinable
  var bitPattern: SIMD8<UInt32> { unsafeBitCast(self, to: SIMD8<UInt32>.self) }

  @inlinable
  init(bitPattern: SIMD8<UInt32>) { self = unsafeBitCast(bitPattern, to: SIMD8<Float>.self) }
}
