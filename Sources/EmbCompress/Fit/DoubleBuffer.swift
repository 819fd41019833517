/// A zeroed, cache-line-aligned array of Double that workers share (each writing its own columns).
final class DoubleBuffer: @unchecked Sendable {
  let count: Int
  let pointer: UnsafeMutablePointer<Double>

  /// `threads` first touch it (see `ZeroedMemory`): worth it for tables, not for a row of sums.
  init(count: Int, threads: Int = 1) {
    self.count = count
    let raw = UnsafeMutableRawPointer.allocate(
      byteCount: max(1, count) * MemoryLayout<Double>.stride, alignment: 64)
    pointer = raw.bindMemory(to: Double.self, capacity: max(1, count))
    ZeroedMemory.zero(pointer, count: max(1, count), threads: threads)
  }

  convenience init(copying values: UnsafePointer<Double>, count: Int) {
    self.init(count: count)
    pointer.update(from: values, count: count)
  }

  deinit { UnsafeMutableRawPointer(pointer).deallocate() }

  subscript(index: Int) -> Double {
    get { pointer[index] }
    set { pointer[index] = newValue }
  }

  func zero() { pointer.update(repeating: 0, count: count) }

  func copy() -> DoubleBuffer { DoubleBuffer(copying: pointer, count: count) }

  /// The values rounded to Float, as the fitted tables store them.
  var floats: [Float] {
    [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
      for index in 0..<count { buffer[index] = Float(pointer[index]) }
      initialized = count
    }
  }
}
