import Dispatch
import EmbCompress
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Makes SIGINT and SIGTERM stop a run cleanly: half-written files are removed and the process
/// exits 130 or 143 (128 + the signal), as shells expect.
enum InterruptHandler {
  nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

  /// Call once, before any work. The handlers run on a dispatch queue, not in signal context,
  /// so they may take locks and unlink files while the main thread is busy computing.
  static func install() {
    for signalNumber in [SIGINT, SIGTERM] {
      signal(signalNumber, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
      source.setEventHandler {
        TemporaryFileRegistry.shared.removeAllFiles()
        FileHandle.standardError.write(Data("\nembcompress: interrupted; nothing was written\n".utf8))
        exit(128 + signalNumber)
      }
      source.resume()
      sources.append(source)
    }
  }
}
