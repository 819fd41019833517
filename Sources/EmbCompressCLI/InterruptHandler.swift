import Dispatch
import EmbCompress
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Makes SIGINT and SIGTERM stop a run cleanly: half-written files are removed and the process
/// exits 130 or 143 (128 + the signal), as shells expect.
///
/// The signal handler proper only records the request (`Cancellation.request`, a lock-free
/// atomic) and writes the signal's number to a pipe; both are async-signal-safe. The work
/// notices the request at the next block boundary, unwinds (removing its temporary files) and
/// ends in `stop`. Calling `exit()` from a handler thread instead, as before, ran libhdf5's and
/// OpenBLAS's exit-time clean-up while another thread was inside them: a deadlock on the HDF5
/// lock, or a segfault. (A dispatch signal source, also used before, needs SIG_IGN set first and
/// registers asynchronously: a signal in between was dropped, and the run finished with exit 0.)
///
/// A loop that checks no flag (an in-memory fit pass, say) would leave the request waiting, so
/// a thread reading the pipe ends the process itself `deadline` seconds after the signal, the
/// same way: it waits for a commit under way (a checkpoint is never left without its report),
/// removes the temporary files, and calls `_exit`, which runs no exit-time clean-up in any
/// library.
enum InterruptHandler {
  static let deadline: Double = 2
  /// The pipe's write end, read by the handler: set (and the globals it touches initialised)
  /// before the handler is installed.
  nonisolated(unsafe) private static var notify: Int32 = -1

  /// Call once, before any work.
  static func install() {
    guard notify < 0 else { return }
    var ends: [Int32] = [-1, -1]
    guard pipe(&ends) == 0 else { return }
    for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
    // The handler must never block on a full pipe.
    _ = fcntl(ends[1], F_SETFL, fcntl(ends[1], F_GETFL) | O_NONBLOCK)
    notify = ends[1]
    _ = Cancellation.requestedSignal
    let readEnd = ends[0]
    let watcher = Thread {
      var byte: UInt8 = 0
      while true {
        let got = read(readEnd, &byte, 1)
        if got < 0 && errno == EINTR { continue }
        guard got == 1 else { return }
        let received = Int32(byte)
        DispatchQueue.global().asyncAfter(deadline: .now() + deadline) {
          stop(signal: Cancellation.requestedSignal ?? received, late: true)
        }
      }
    }
    watcher.start()
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { number in
      Cancellation.request(signal: number)
      var byte = UInt8(truncatingIfNeeded: number)
      _ = write(InterruptHandler.notify, &byte, 1)
    }
    sigemptyset(&action.sa_mask)
    action.sa_flags = SA_RESTART
    for number in [SIGINT, SIGTERM] { sigaction(number, &action, nil) }
    // A parent may have started us with these blocked (Foundation's Process passes on the
    // mask of the thread that spawns, and libdispatch's threads block every signal): unblock
    // them on this thread, which every later thread inherits from.
    var unblocked = sigset_t()
    sigemptyset(&unblocked)
    sigaddset(&unblocked, SIGINT)
    sigaddset(&unblocked, SIGTERM)
    pthread_sigmask(SIG_UNBLOCK, &unblocked, nil)
  }

  /// Ends the process for `signal`: once, from whichever path comes first (the main thread
  /// unwinding, or the deadline); the other path waits here until the process is gone. `late`
  /// (the deadline's path) says so in the message: the work missed a check it should have had.
  static func stop(signal: Int32, late: Bool = false) -> Never {
    guard let written = Cancellation.claimExit() else {
      while true { pause() }
    }
    TemporaryFileRegistry.shared.removeAllFiles()
    let when = late ? " (the work did not stop within \(Int(deadline)) s)" : ""
    let what =
      written.isEmpty
      ? "interrupted\(when); nothing was written"
      : "interrupted\(when) after \(written.joined(separator: " and ")) had been written whole"
    // After a progress bar, start a line of our own.
    let line = (isatty(2) != 0 ? "\n" : "") + "embcompress: \(what)\n"
    _ = line.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
    _exit(128 + signal)
  }
}
