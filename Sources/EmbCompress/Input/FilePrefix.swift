#if canImport(Glibc)
  import Glibc
#endif

/// The first (or last) bytes of a file, read to tell its format, with the usual missing-file,
/// directory and permission errors.
enum FilePrefix {
  static func read(_ path: String, count: Int) throws -> [UInt8] {
    try withFile(path) { fd, _ in try readAt(fd, path: path, offset: 0, count: count) }
  }

  /// The last `count` bytes (the whole file when it is shorter): where a zip archive keeps its
  /// central directory, the list of its members.
  static func readTail(_ path: String, count: Int) throws -> [UInt8] {
    try withFile(path) { fd, size in
      let start = max(0, size - count)
      return try readAt(fd, path: path, offset: start, count: size - start)
    }
  }

  private static func withFile(_ path: String, _ body: (Int32, Int) throws -> [UInt8]) throws -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw MappedFile.openError(path: path, errno: errno) }
    defer { close(fd) }
    var status = stat()
    guard fstat(fd, &status) == 0 else {
      throw EmbCompressError.readFailed(path: path, detail: String(cString: strerror(errno)))
    }
    if (status.st_mode & S_IFMT) == S_IFDIR {
      throw EmbCompressError.cannotOpen(path: path, reason: "is a directory")
    }
    return try body(fd, Int(status.st_size))
  }

  private static func readAt(_ fd: Int32, path: String, offset: Int, count: Int) throws -> [UInt8] {
    guard count > 0 else { return [] }
    var bytes = [UInt8](repeating: 0, count: count)
    var got = 0
    // Short counts are read on, up to the end. The prefix is read with read(), not pread(), so a
    // pipe or device still gets the same message as before rather than "Illegal seek".
    while got < count {
      let n = bytes.withUnsafeMutableBytes { buffer in
        offset == 0
          ? Glibc.read(fd, buffer.baseAddress! + got, count - got)
          : pread(fd, buffer.baseAddress! + got, count - got, off_t(offset + got))
      }
      if n < 0 {
        if errno == EINTR { continue }
        throw EmbCompressError.readFailed(path: path, detail: String(cString: strerror(errno)))
      }
      if n == 0 { break }
      got += n
    }
    return Array(bytes.prefix(got))
  }
}
