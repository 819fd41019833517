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
  ///
  /// Eight lanes at a time: the values read back are the same as `dequantized`'s, since every
  /// step is the same IEEE float32 operation; only the order of the Double sum differs.
  @inlinable
  public static func squaredError(_ row: UnsafeBufferPointer<Float>) -> Double {
    let (scale, bias) = parameters(row)
    guard scale > 0, scale.isFinite else {
      var sum = 0.0
      for x in row { sum += (Double(x) - Double(bias)) * (Double(x) - Double(bias)) }
      return sum
    }
    var lanes = SIMD8<Double>()
    var index = 0
    let (scales, biases) = (SIMD8<Float>(repeating: scale), SIMD8<Float>(repeating: bias))
    let (zero, top) = (SIMD8<Float>(repeating: 0), SIMD8<Float>(repeating: 255))
    while index + 8 <= row.count {
      let x = UnsafeRawPointer(row.baseAddress! + index).loadUnaligned(as: SIMD8<Float>.self)
      var q = ((x - biases) / scales).rounded(.toNearestOrEven)
      q.replace(with: zero, where: q .< zero)
      q.replace(with: top, where: q .> top)
      let difference = SIMD8<Double>(x) - SIMD8<Double>(q * scales + biases)
      lanes += difference * difference
      index += 8
    }
    var sum = lanes.sum()
    while index < row.count {
      let difference = Double(row[index]) - Double(dequantized(row[index], scale: scale, bias: bias))
      sum += difference * difference
      index += 1
    }
    return sum
  }

  /// The bytes `rows` rows of `dim` values take: one per value, and 8 per row for scale and bias.
  public static func bytes(rows: Int, dim: Int) -> Int { rows * dim + 8 * rows }

  @inlinable
  static func parameters(_ row: UnsafeBufferPointer<Float>) -> (scale: Float, bias: Float) {
    var low = SIMD8<Float>(repeating: row[0]), high = low
    var index = 0
    while index + 8 <= row.count {
      let x = UnsafeRawPointer(row.baseAddress! + index).loadUnaligned(as: SIMD8<Float>.self)
      // Masked replaces, not pointwiseMin/Max, which the standard library does not inline.
      low.replace(with: x, where: x .< low)
      high.replace(with: x, where: x .> high)
      index += 8
    }
    var (lowest, highest) = (low.min(), high.max())
    while index < row.count {
      lowest = Swift.min(lowest, row[index])
      highest = Swift.max(highest, row[index])
      index += 1
    }
    return ((highest - lowest) / 255, lowest)
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
