#if canImport(Glibc)
  import Glibc
#endif

/// Several files that appear together or not at all: a checkpoint, its report, its HTML page.
///
/// Each is written to its own temporary file first (`AtomicOutput`); `commit()` finishes and
/// fsyncs them all, and only then puts them in place in the order they were added. A full or
/// failing disk therefore stops the commit before any path changes. If a rename fails the ones
/// already in place are removed again, so a later file (the report, added last) never stands
/// without the earlier ones; a signal during the commit waits for its end
/// (`Cancellation.committing`).
///
///     let files = AtomicOutputSet()
///     try files.add(path: "out.qr", replacing: false, bytes: checkpoint)
///     try files.add(path: "out.qr.report.json", replacing: false, bytes: report)
///     try files.commit()
public final class AtomicOutputSet {
  private var outputs: [AtomicOutput] = []

  public init() {}

  /// Writes `bytes` to a temporary file that `commit()` will put at `path`.
  ///
  /// - Throws: `.cannotCreate` when `path` exists (without `replacing`) or its folder is not
  ///   writable; `.writeFailed` when the bytes cannot be written.
  public func add(path: String, replacing: Bool, bytes: [UInt8]) throws {
    try add(path: path, replacing: replacing) { output in try bytes.withUnsafeBytes { try output.write($0) } }
  }

  /// Lets `write` fill a temporary file, piece by piece, that `commit()` will put at `path`.
  public func add(path: String, replacing: Bool, write: (AtomicOutput) throws -> Void) throws {
    let output = try AtomicOutput(path: path, replacing: replacing)
    output.notesCommit = false
    try write(output)
    outputs.append(output)
  }

  /// Takes a temporary file already written (on another thread, say) that `commit()` will put
  /// at its path.
  public func add(written output: AtomicOutput) {
    output.notesCommit = false
    outputs.append(output)
  }

  /// Makes every file durable, then puts each in place, in order; on a failure removes those
  /// already placed and rethrows. Runs inside `Cancellation.committing`, so SIGINT/SIGTERM waits
  /// until all are in place.
  public func commit() throws {
    try Cancellation.committing {
      for output in outputs { try output.prepare() }
      var placed: [String] = []
      defer { for path in placed { TemporaryFileRegistry.shared.remove(path) } }
      for output in outputs {
        do {
          try output.place()
        } catch {
          for path in placed { unlink(path) }
          throw error
        }
        // Until the last one is in place a crash-free exit removes this one too.
        TemporaryFileRegistry.shared.add(output.path)
        placed.append(output.path)
      }
      Cancellation.noteCommitted(placed)
    }
  }
}
