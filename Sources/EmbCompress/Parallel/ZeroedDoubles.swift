import Dispatch

/// A fresh array of zeros, first touched on all cores.
///
/// On this project's VMs the first write to a fresh page costs about a microsecond (the kernel
/// clears it, at 0.5–3 GB/s), twenty times a later write; a gigabyte of sums takes a second or
/// more on one core. Zeroing fixed 8 MB pieces on every core runs the faults side by side.
///
///     let sums = ZeroedDoubles.make(count: 1 << 28, threads: 2)   // 2 GB
enum ZeroedDoubles {
  /// Doubles per piece (8 MB): large enough that the threads' hand-off costs nothing.
  static let pieceCount = 1 << 20

  static func make(count: Int, threads: Int) -> [Double] {
    let pieces = (count + pieceCount - 1) / pieceCount
    guard threads > 1, pieces > 1 else { return [Double](repeating: 0, count: count) }
    return [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
      let base = UncheckedSendable(buffer.baseAddress!)
      let next = AtomicCounter()
      DispatchQueue.concurrentPerform(iterations: min(threads, pieces)) { _ in
        while true {
          let piece = next.increment()
          guard piece < pieces else { return }
          let low = piece * pieceCount
          (base.value + low).initialize(repeating: 0, count: min(pieceCount, count - low))
        }
      }
      initialized = count
    }
  }
}
