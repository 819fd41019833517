import Dispatch
import EmbCompress
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Makes SIGINT and SIGTERM stop a run cleanly: half-written files are removed and the process
/// exits 130 or 143 (128 + the signal), as shells expect.
///
/// The handler only records the request (`Cancellation.request`); the work notices it at the
/// next block boundary, unwinds (removing its temporary files) and ends in `stop`. Calling
/// `exit()` from the handler instead ran libhdf5's and OpenBLAS's exit-time clean-up while
/// another thread was inside them: a deadlock on the HDF5 lock, or a segfault.
///
/// A loop that checks no flag (an in-memory fit pass, say) would leave the request waiting, so
/// after `deadline` seconds the handler's queue ends the process itself, the same way: it waits
/// for a commit under way (a checkpoint is never left without its report), removes the
/// temporary files, and calls `_exit`, which runs no exit-time clean-up in any library.
enum InterruptHandler {
  nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []
  static let deadline: Double = 2

  /// Call once, before any work. The handlers run on a dispatch queue, not in signal context.
  static func install() {
    for signalNumber in [SIGINT, SIGTERM] {
      signal(signalNumber, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
      source.setEventHandler {
        Cancellation.request(signal: signalNumber)
        DispatchQueue.global().asyncAfter(deadline: .now() + deadline) {
          stop(signal: Cancellation.requestedSignal ?? signalNumber)
        }
      }
      source.resume()
      sources.append(source)
    }
  }

  /// Ends the process for `signal`: once, from whichever path comes first (the main thread
  /// unwinding, or the deadline); the other path waits here until the process is gone.
  static func stop(signal: Int32) -> Never {
    guard let written = Cancellation.claimExit() else {
      while true { pause() }
    }
    TemporaryFileRegistry.shared.removeAllFiles()
    let what =
      written.isEmpty
      ? "interrupted; nothing was written"
      : "interrupted after \(written.joined(separator: " and ")) had been written whole"
    // After a progress bar, start a line of our own.
    let line = (isatty(2) != 0 ? "\n" : "") + "embcompress: \(what)\n"
    _ = line.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
    _exit(128 + signal)
  }
}
