/// The int8 row-wise baseline: each row stored as one byte per value plus its own scale and bias.
///
/// Per row, in float32: bias = min, scale = (max − min) / 255, q = round((x − bias) / scale) to
/// nearest even, clamped to 0…255; the value read back is q · scale + bias. A constant row
/// (scale 0) reads back as its bias, exactly. Storage is n·d bytes plus two float32 per row.
public enum Int8RowwiseQuantization {
  /// `row` as it reads back after quantizing, written to `output` (the same length).
  @inlinable
  public static func reconstruct(_ row: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>) {
    let (scale, bias) = parameters(row)
    for c in row.indices { output[c] = dequantized(row[c], scale: scale, bias: bias) }
  }

  /// Σ_c (x_c − x̂_c)² for `row`, in Double, without writing the rebuilt row anywhere.
  @inlinable
  public static func squaredError(_ row: UnsafeBufferPointer<Float>) -> Double {
    let (scale, bias) = parameters(row)
    var sum = 0.0
    for x in row {
      let difference = Double(x) - Double(dequantized(x, scale: scale, bias: bias))
      sum += difference * difference
    }
    return sum
  }

  /// The bytes `rows` rows of `dim` values take: one per value, and 8 per row for scale and bias.
  public static func bytes(rows: Int, dim: Int) -> Int { rows * dim + 8 * rows }

  @inlinable
  static func parameters(_ row: UnsafeBufferPointer<Float>) -> (scale: Float, bias: Float) {
    var low = row[0], high = row[0]
    for x in row {
      low = Swift.min(low, x)
      high = Swift.max(high, x)
    }
    return ((high - low) / 255, low)
  }

  @inlinable
  static func dequantized(_ x: Float, scale: Float, bias: Float) -> Float {
    // A constant row reads back as its bias. So does a row whose range overflows float32 (values
    // near ±3.4e38), which this format cannot hold: counted as the error it is, not skipped.
    guard scale > 0, scale.isFinite else { return bias }
    let q = Swift.min(255, Swift.max(0, ((x - bias) / scale).rounded(.toNearestOrEven)))
    return q * scale + bias
  }
}
