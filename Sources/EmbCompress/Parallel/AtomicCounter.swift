import Foundation

/// A shared counter handing out 0, 1, 2, … to whichever thread asks next.
final class AtomicCounter: @unchecked Sendable {
  private let lock = NSLock()
  private var value = 0

  func increment() -> Int {
    lock.lock()
    defer { lock.unlock() }
    value += 1
    return value - 1
  }
}
