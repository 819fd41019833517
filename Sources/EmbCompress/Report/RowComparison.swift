/// The sums comparing one row with its reconstruction, accumulated in Double, eight lanes wide.
public struct RowComparison {
  public var errorSquared: Double
  public var normSquared: Double
  public var rebuiltSquared: Double
  public var dot: Double
  public var maxAbsolute: Double

  @inlinable
  public init(_ original: UnsafeBufferPointer<Float>, _ rebuilt: UnsafeBufferPointer<Float>) {
    var error = SIMD8<Double>(), norm = SIMD8<Double>(), other = SIMD8<Double>(), dot = SIMD8<Double>()
    var largest = SIMD8<Double>()
    var index = 0
    let count = original.count
    while index + 8 <= count {
      let a = SIMD8<Double>(UnsafeRawPointer(original.baseAddress! + index).loadUnaligned(as: SIMD8<Float>.self))
      let b = SIMD8<Double>(UnsafeRawPointer(rebuilt.baseAddress! + index).loadUnaligned(as: SIMD8<Float>.self))
      let difference = a - b
      error += difference * difference
      norm += a * a
      other += b * b
      dot += a * b
      largest = largest.replacing(with: difference.magnitudes, where: difference.magnitudes .> largest)
      index += 8
    }
    var e = error.sum(), n = norm.sum(), o = other.sum(), d = dot.sum(), m = largest.max()
    while index < count {
      let a = Double(original[index]), b = Double(rebuilt[index])
      e += (a - b) * (a - b)
      n += a * a
      o += b * b
      d += a * b
      m = Swift.max(m, Swift.abs(a - b))
      index += 1
    }
    errorSquared = e
    normSquared = n
    rebuiltSquared = o
    self.dot = d
    maxAbsolute = m
  }
}

extension SIMD8 where Scalar == Double {
  @inlinable
  var magnitudes: SIMD8<Double> { self.replacing(with: -self, where: self .< 0) }
}
