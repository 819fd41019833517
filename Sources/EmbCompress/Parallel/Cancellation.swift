import Foundation
import Synchronization

/// A process-wide "stop" request, set by the signal handler and honoured by the work itself;
/// and a time limit on a piece of work (`plan --seconds`), honoured at the same points by the
/// task or thread that set it.
///
/// The handler only records the signal; long loops call `try Cancellation.check()` between
/// blocks (every block `forEachBlock` and `readAll` hand on is checked already), so work stops
/// where nothing is half-done and every file being written is removed as the error unwinds.
/// Putting outputs in place (`AtomicOutputSet.commit`) runs inside `committing`: a request that
/// arrives then waits until the checkpoint and its report are both in place, so a checkpoint
/// never stands without its report.
///
///     try source.forEachBlock { block in
///       for chunk in work(block) { try Cancellation.check(); compute(chunk) }
///     }
public enum Cancellation {
  /// The signal asked for, or 0.
  private static let pending = Atomic<Int32>(0)
  /// Set by the one path (the main thread's unwinding or the handler's deadline) that exits.
  private static let exitClaimed = Atomic<Bool>(false)
  /// Held while outputs are put in place; the exiting path takes it for good. Recursive, since
  /// a set of outputs commits each of its files inside its own commit.
  private static let commitLock = NSRecursiveLock()
  nonisolated(unsafe) private static var committed: [String] = []
  /// The end of the current time limit in `DispatchTime` nanoseconds, or 0 when there is none.
  /// Task-local (thread-local outside a task), so two plans in one process — tests run side by
  /// side — do not stop each other's work; every check of a fit runs on the thread that started it.
  @TaskLocal private static var limitEnd: UInt64 = 0

  /// Records a stop request; the first signal wins. Safe from any thread (not from a signal
  /// handler proper: the CLI receives signals on a dispatch queue).
  public static func request(signal: Int32) {
    _ = pending.compareExchange(expected: 0, desired: signal, ordering: .sequentiallyConsistent)
  }

  /// The signal that asked the run to stop, if one did.
  public static var requestedSignal: Int32? {
    let value = pending.load(ordering: .sequentiallyConsistent)
    return value == 0 ? nil : value
  }

  /// Throws `Interrupted` when a stop was requested, or `TimeLimitReached` once the time limit
  /// of `withTimeLimit` has passed. Cheap (an atomic load, and a clock read under a limit): call
  /// it once per block or per few milliseconds of work.
  public static func check() throws {
    try checkForSignal()
    let end = limitEnd
    if end != 0, DispatchTime.now().uptimeNanoseconds >= end { throw TimeLimitReached() }
  }

  /// Throws `Interrupted` when a stop was requested, but never for a time limit: for waits that
  /// must not be left part-way by work that goes on (a reply left in the HDF5 reader's pipe would
  /// answer the next request).
  public static func checkForSignal() throws {
    let value = pending.load(ordering: .relaxed)
    if value != 0 { throw Interrupted(signal: value) }
  }

  /// Runs `body` so that `check()` on this task or thread throws `TimeLimitReached` from `end`
  /// on. Work stops at its next check, part-way, so what `body` was making must be dropped (the
  /// plan drops that candidate and goes on).
  ///
  ///     do { try Cancellation.withTimeLimit(deadline) { try search.exact(rule) } }
  ///     catch is TimeLimitReached { skipped.append(rule) }
  public static func withTimeLimit<T>(_ end: Date, _ body: () throws -> T) throws -> T {
    let seconds = end.timeIntervalSinceNow
    guard seconds > 0 else { throw TimeLimitReached() }
    let nanoseconds = DispatchTime.now().uptimeNanoseconds &+ UInt64(min(seconds, 1e9) * 1e9)
    return try $limitEnd.withValue(nanoseconds, operation: body)
  }

  /// Runs `body` (putting outputs in place) so that no exit happens half-way through it.
  public static func committing<T>(_ body: () throws -> T) rethrows -> T {
    commitLock.lock()
    defer { commitLock.unlock() }
    return try body()
  }

  /// Records, inside `committing`, outputs that are now in place for good.
  public static func noteCommitted(_ paths: [String]) {
    committed += paths
  }

  /// For the path that ends the process: true once, for whichever caller comes first; that
  /// caller then holds the commit lock for good (waiting for a commit under way to finish), and
  /// gets the outputs already in place, so its message can say what was written.
  public static func claimExit() -> [String]? {
    guard exitClaimed.compareExchange(expected: false, desired: true, ordering: .sequentiallyConsistent).exchanged
    else { return nil }
    commitLock.lock()
    return committed
  }
}
