import Dispatch

/// Fresh zeros, first touched on all cores.
///
/// On this project's VMs the first write to a fresh page costs about a microsecond (the kernel
/// clears it, at 0.4–3 GB/s), twenty times a later write: 2 GB took 1.2–5.7 s on one core and
/// 0.7–0.8 s on two in 4 of 6 runs (1.9–2.0 s in the others, 2026-12-03). Zeroing fixed 8 MB
/// pieces on every core runs the faults side by side.
///
///     let sums: [Double] = ZeroedMemory.array(count: 1 << 28, threads: 2)   // 2 GB
enum ZeroedMemory {
  /// Bytes per piece: large enough that the threads' hand-off costs nothing.
  static let pieceBytes = 8 << 20

  static func array<Element: Numeric>(count: Int, threads: Int) -> [Element] {
    [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
      if count > 0 { zero(buffer.baseAddress!, count: count, threads: threads) }
      initialized = count
    }
  }

  /// Initializes `count` values at `start` to zero.
  static func zero<Element: Numeric>(_ start: UnsafeMutablePointer<Element>, count: Int, threads: Int) {
    let pieceCount = max(1, pieceBytes / MemoryLayout<Element>.stride)
    let pieces = (count + pieceCount - 1) / pieceCount
    guard threads > 1, pieces > 1 else {
      start.initialize(repeating: .zero, count: count)
      return
    }
    let base = UncheckedSendable(start)
    let next = AtomicCounter()
    DispatchQueue.concurrentPerform(iterations: min(threads, pieces)) { _ in
      while true {
        let piece = next.increment()
        guard piece < pieces else { return }
        let low = piece * pieceCount
        (base.value + low).initialize(repeating: .zero, count: min(pieceCount, count - low))
      }
    }
  }
}
