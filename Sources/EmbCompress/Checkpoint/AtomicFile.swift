#if canImport(Glibc)
  import Glibc
#endif

/// Writes a file so that it either appears whole or not at all: a temporary file in the same
/// folder, fsync, then rename over the target.
public enum AtomicFile {
  /// Writes `bytes` to `path`. Without `replacing`, an existing `path` is left alone and the
  /// write fails. On any failure nothing is left behind: no `path`, no temporary file.
  public static func write(_ bytes: [UInt8], to path: String, replacing: Bool) throws {
    let folder = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
    let name = path.split(separator: "/").last.map(String.init) ?? path
    var template = Array(((folder.isEmpty ? "/" : folder + "/") + "." + name + ".tmp-XXXXXX").utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard fd >= 0 else {
      throw EmbCompressError.cannotCreate(path: path, detail: String(cString: strerror(errno)))
    }
    let temporary = String(cString: template)
    var committed = false
    defer {
      if !committed { unlink(temporary) }
    }
    do {
      defer { close(fd) }
      try writeAll(bytes, to: fd, path: path)
      guard fsync(fd) == 0 else { throw EmbCompressError.writeFailed(path: path, detail: String(cString: strerror(errno))) }
      _ = fchmod(fd, 0o644 & ~currentUmask())
    }
    if replacing {
      guard rename(temporary, path) == 0 else {
        throw EmbCompressError.cannotCreate(path: path, detail: String(cString: strerror(errno)))
      }
    } else {
      // link() fails if the target exists, so a file that appeared meanwhile is never replaced.
      guard link(temporary, path) == 0 else {
        let code = errno
        throw code == EEXIST
          ? EmbCompressError.cannotCreate(path: path, detail: "already exists")
          : EmbCompressError.cannotCreate(path: path, detail: String(cString: strerror(code)))
      }
      unlink(temporary)
    }
    committed = true
    let directory = open(folder.isEmpty ? "/" : folder, O_RDONLY | O_DIRECTORY)
    if directory >= 0 {
      _ = fsync(directory)
      close(directory)
    }
  }

  private static func writeAll(_ bytes: [UInt8], to fd: Int32, path: String) throws {
    try bytes.withUnsafeBytes { raw in
      var offset = 0
      while offset < raw.count {
        let written = Glibc.write(fd, raw.baseAddress! + offset, min(raw.count - offset, 1 << 30))
        if written < 0 {
          if errno == EINTR { continue }
          throw EmbCompressError.writeFailed(path: path, detail: String(cString: strerror(errno)))
        }
        offset += written
      }
    }
  }

  private static func currentUmask() -> mode_t {
    let mask = umask(0)
    umask(mask)
    return mask
  }
}
