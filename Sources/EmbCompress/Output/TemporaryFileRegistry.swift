import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The files this process would leave half-made if it stopped now, so that an interrupted run
/// (SIGINT, SIGTERM) can remove them before it exits.
public final class TemporaryFileRegistry: @unchecked Sendable {
  public static let shared = TemporaryFileRegistry()

  private let lock = NSLock()
  private var paths: Set<String> = []

  public func add(_ path: String) {
    lock.lock()
    paths.insert(path)
    lock.unlock()
  }

  public func remove(_ path: String) {
    lock.lock()
    paths.remove(path)
    lock.unlock()
  }

  /// Unlinks every registered file. Holds the lock to the end, so no new file is registered
  /// after the sweep on the way out.
  public func removeAllFiles() {
    lock.lock()
    for path in paths { unlink(path) }
    paths.removeAll()
  }
}
