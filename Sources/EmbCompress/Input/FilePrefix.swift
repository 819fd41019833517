#if canImport(Glibc)
  import Glibc
#endif

/// The first bytes of a file, read to tell its format, with the usual missing-file, directory
/// and permission errors.
enum FilePrefix {
  static func read(_ path: String, count: Int) throws -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw MappedFile.openError(path: path, errno: errno) }
    defer { close(fd) }
    var status = stat()
    if fstat(fd, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR {
      throw EmbCompressError.cannotOpen(path: path, reason: "is a directory")
    }
    var prefix = [UInt8](repeating: 0, count: count)
    let got = Glibc.read(fd, &prefix, count)
    guard got >= 0 else {
      throw EmbCompressError.readFailed(path: path, detail: String(cString: strerror(errno)))
    }
    return Array(prefix.prefix(got))
  }
}
