/// The float16 baseline: every value stored as IEEE binary16, two bytes, rounded to nearest even.
///
/// Values beyond float16's range (±65504) are clamped to it rather than becoming ±Inf, as a
/// careful converter would; trained embeddings almost never come near it.
public enum Float16Rounding {
  /// The largest finite float16.
  public static let largest: Float = 65504

  /// `x` as it reads back from float16.
  @inlinable
  public static func rounded(_ x: Float) -> Float {
    Float(Float16(Swift.min(largest, Swift.max(-largest, x))))
  }

  /// Σ_c (x_c − x̂_c)² for `row`, in Double.
  @inlinable
  public static func squaredError(_ row: UnsafeBufferPointer<Float>) -> Double {
    var sum = 0.0
    for x in row {
      let difference = Double(x) - Double(rounded(x))
      sum += difference * difference
    }
    return sum
  }

  /// The bytes `rows` rows of `dim` values take: two per value.
  public static func bytes(rows: Int, dim: Int) -> Int { 2 * rows * dim }
}
