import Foundation

/// Collects progress phases from any thread.
final class ProgressLog: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: [String] = []
  func add(_ phase: String) { lock.withLock { stored.append(phase) } }
  var values: [String] { lock.withLock { stored } }
}
