#if canImport(Glibc)
  import Glibc
#endif

/// A file being written that appears at `path` whole, or not at all.
///
/// The bytes go to a temporary file in the same folder (so the final rename never crosses file
/// systems), whole 4 MiB chunks of them past the page cache (`DirectFileAppender`); `commit()`
/// writes the rest, fsyncs and renames it into place. Until then `path` is untouched, and a
/// failure — or dropping the value without committing — removes the temporary file.
///
///     let output = try AtomicOutput(path: "table.npy", replacing: false)
///     try output.write(header)
///     try output.write(rows)
///     try output.commit()
public final class AtomicOutput {
  /// The file that appears on `commit()`.
  public let path: String
  /// The temporary file the bytes go to, `.NAME.tmp-XXXXXX` next to `path`.
  public let temporaryPath: String
  private let replacing: Bool
  private var descriptor: Int32
  /// Large outputs go past the page cache (see `DirectFileAppender`).
  private let appender: DirectFileAppender
  private var committed = false
  /// Whether `commit()` tells `Cancellation` the file is written; a set tells it once for all.
  var notesCommit = true

  /// Creates the temporary file. Without `replacing`, an existing `path` is refused now — the
  /// work is not wasted — and again at `commit()`, where `link` makes it race-free.
  ///
  /// - Throws: `.cannotCreate` when `path` exists (without `replacing`) or the folder is not
  ///   writable.
  public init(path: String, replacing: Bool) throws {
    self.path = path
    self.replacing = replacing
    if !replacing {
      var status = stat()
      if lstat(path, &status) == 0 { throw EmbCompressError.cannotCreate(path: path, detail: "already exists") }
    }
    let folder = AtomicOutput.folder(of: path)
    let name = path.split(separator: "/").last.map(String.init) ?? path
    var template = Array(((folder == "/" ? "/" : folder + "/") + "." + name + ".tmp-XXXXXX").utf8CString)
    descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard descriptor >= 0 else {
      throw EmbCompressError.cannotCreate(path: path, detail: String(cString: strerror(errno)))
    }
    temporaryPath = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    appender = DirectFileAppender(descriptor: descriptor)
    // An interrupted run removes it too (see TemporaryFileRegistry).
    TemporaryFileRegistry.shared.add(temporaryPath)
  }

  deinit {
    if descriptor >= 0 { close(descriptor) }
    if !committed { unlink(temporaryPath) }
    TemporaryFileRegistry.shared.remove(temporaryPath)
  }

  /// Appends `bytes` to the temporary file (whole 4 MiB chunks of them go out as they fill; the
  /// rest at `commit()`).
  /// Each write is a block boundary: a pending SIGINT/SIGTERM stops the run here.
  public func write(_ bytes: UnsafeRawBufferPointer) throws {
    try Cancellation.check()
    guard descriptor >= 0 else { throw EmbCompressError.writeFailed(path: path, detail: "already closed") }
    do { try appender.append(bytes) } catch { throw EmbCompressError.writeFailed(path: path, detail: error.description) }
  }

  /// Makes the file durable and puts it at `path`: `prepare()`, then `place()`.
  public func commit() throws {
    // A signal now waits until the file is in place (or the commit failed).
    try Cancellation.committing {
      try prepare()
      try place()
    }
    if notesCommit { Cancellation.noteCommitted([path]) }
  }

  /// Writes what is still staged, fsyncs, gives the file the usual permissions and closes it:
  /// every step that can fail on a full or failing disk, before anything at `path` changes.
  func prepare() throws {
    guard descriptor >= 0, !committed else { throw EmbCompressError.writeFailed(path: path, detail: "already closed") }
    do { try appender.finish() } catch { throw EmbCompressError.writeFailed(path: path, detail: error.description) }
    guard fsync(descriptor) == 0 else {
      throw EmbCompressError.writeFailed(path: path, detail: String(cString: strerror(errno)))
    }
    // mkstemp makes the file 0600; outputs are meant to be read by others too.
    _ = fchmod(descriptor, 0o644 & ~AtomicOutput.currentUmask())
    let closed = close(descriptor)
    descriptor = -1
    guard closed == 0 else { throw EmbCompressError.writeFailed(path: path, detail: String(cString: strerror(errno))) }
  }

  /// Renames the prepared file over `path` (or, without `replacing`, links it, which fails rather
  /// than replace a file that appeared meanwhile), then fsyncs the folder so the new name
  /// survives a crash too.
  func place() throws {
    guard descriptor < 0, !committed else { throw EmbCompressError.writeFailed(path: path, detail: "not prepared") }
    if replacing {
      guard rename(temporaryPath, path) == 0 else {
        throw EmbCompressError.cannotCreate(path: path, detail: String(cString: strerror(errno)))
      }
    } else {
      guard link(temporaryPath, path) == 0 else {
        let code = errno
        throw EmbCompressError.cannotCreate(path: path, detail: code == EEXIST ? "already exists" : String(cString: strerror(code)))
      }
      unlink(temporaryPath)
    }
    committed = true
    let directory = open(AtomicOutput.folder(of: path), O_RDONLY | O_DIRECTORY)
    if directory >= 0 {
      _ = fsync(directory)
      close(directory)
    }
  }

  private static func folder(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    let folder = String(path[..<slash])
    return folder.isEmpty ? "/" : folder
  }

  private static func currentUmask() -> mode_t {
    let mask = umask(0)
    umask(mask)
    return mask
  }
}
