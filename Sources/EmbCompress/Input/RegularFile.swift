#if canImport(Glibc)
  import Glibc
#endif

/// Refuses an input that is not a regular file before anything opens it: `open()` on a FIFO
/// blocks until a writer appears (forever, in a batch job), and a device has no size to check
/// a declared shape against.
enum RegularFile {
  /// The file's status, after `stat` (which never blocks) shows a regular file.
  @discardableResult
  static func check(_ path: String) throws -> stat {
    var status = stat()
    guard stat(path, &status) == 0 else { throw MappedFile.openError(path: path, errno: errno) }
    switch status.st_mode & S_IFMT {
    case S_IFREG: return status
    case S_IFDIR: throw EmbCompressError.cannotOpen(path: path, reason: "is a directory")
    case S_IFIFO: throw EmbCompressError.cannotOpen(path: path, reason: "is a FIFO, not a regular file")
    default: throw EmbCompressError.cannotOpen(path: path, reason: "not a regular file")
    }
  }
}
