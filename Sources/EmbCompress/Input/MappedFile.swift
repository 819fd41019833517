#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A whole file mapped read-only, so readers touch only the bytes they need and the kernel
/// reads ahead; pages already read are handed back so a pass never holds the file resident.
public final class MappedFile: @unchecked Sendable {
  public let path: String
  public let size: Int
  private let base: UnsafeRawPointer?

  /// Opens and maps `path`; a missing file, a directory or a permission problem is a
  /// `.fileNotFound` or `.cannotOpen` error naming it.
  public init(path: String) throws {
    self.path = path
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw MappedFile.openError(path: path, errno: errno) }
    defer { close(fd) }
    var status = stat()
    guard fstat(fd, &status) == 0 else {
      throw EmbCompressError.readFailed(path: path, detail: String(cString: strerror(errno)))
    }
    guard (status.st_mode & S_IFMT) == S_IFREG else {
      throw EmbCompressError.cannotOpen(
        path: path, reason: (status.st_mode & S_IFMT) == S_IFDIR ? "is a directory" : "not a regular file")
    }
    size = Int(status.st_size)
    if size == 0 {
      base = nil
      return
    }
    let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
    guard let mapped, mapped != MAP_FAILED else {
      throw EmbCompressError.readFailed(path: path, detail: "mmap: \(String(cString: strerror(errno)))")
    }
    _ = madvise(mapped, size, MADV_SEQUENTIAL)
    base = UnsafeRawPointer(mapped)
  }

  deinit {
    if let base { munmap(UnsafeMutableRawPointer(mutating: base), size) }
  }

  /// The mapped bytes; empty for an empty file.
  public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: size) }

  /// Tells the kernel the bytes in `range` will not be needed again soon, so resident memory
  /// stays bounded on a pass over a file larger than RAM. The mapping stays valid.
  public func release(_ range: Range<Int>) {
    guard let base else { return }
    let page = Int(sysconf(Int32(_SC_PAGESIZE)))
    let start = range.lowerBound / page * page
    let end = min(size, range.upperBound) / page * page
    guard end > start else { return }
    _ = madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, MADV_DONTNEED)
  }

  static func openError(path: String, errno code: Int32) -> EmbCompressError {
    switch code {
    case ENOENT, ENOTDIR: .fileNotFound(path: path)
    default: .cannotOpen(path: path, reason: String(cString: strerror(code)))
    }
  }
}
