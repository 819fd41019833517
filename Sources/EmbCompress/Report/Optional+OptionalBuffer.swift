extension Optional where Wrapped == [Double] {
  /// The array's buffer, or nil, for the duration of `body`.
  func withOptionalBuffer<R>(_ body: (UnsafeBufferPointer<Double>?) throws -> R) rethrows -> R {
    guard let self else { return try body(nil) }
    return try self.withUnsafeBufferPointer { try body($0) }
  }
}

extension Optional where Wrapped == [Int] {
  /// The array's buffer, or nil, for the duration of `body`.
  func withOptionalBuffer<R>(_ body: (UnsafeBufferPointer<Int>?) throws -> R) rethrows -> R {
    guard let self else { return try body(nil) }
    return try self.withUnsafeBufferPointer { try body($0) }
  }
}
