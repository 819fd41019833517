import COpenBLAS
import Foundation

/// Pins OpenBLAS to one thread while a fit runs.
///
/// The fitter spreads columns over its own threads; single-threaded BLAS calls keep each column's
/// sums the same whatever the thread count, and stop two thread pools fighting over the cores.
/// The setting is process-wide, so nested and concurrent fits share one pin and the last one out
/// restores OpenBLAS's own count.
enum BLASThreads {
  private static let pin = Pin()

  static func withSingleThread<T>(_ body: () throws -> T) rethrows -> T {
    pin.enter()
    defer { pin.exit() }
    return try body()
  }

  private final class Pin: @unchecked Sendable {
    private let lock = NSLock()
    private var holders = 0
    private var saved: Int32 = 1

    func enter() {
      lock.lock()
      defer { lock.unlock() }
      if holders == 0 {
        saved = openblas_get_num_threads()
        openblas_set_num_threads(1)
      }
      holders += 1
    }

    func exit() {
      lock.lock()
      defer { lock.unlock() }
      holders -= 1
      if holders == 0 { openblas_set_num_threads(saved) }
    }
  }
}
