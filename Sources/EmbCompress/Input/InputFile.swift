import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A table file read with `pread`, not memory-mapped.
///
/// A mapped file that shrinks while it is read (another process truncating it) kills the
/// reader with SIGBUS at the first page past the new end; `pread` returns a short count
/// instead, which becomes an I/O error naming the file (exit 74).
final class InputFile: @unchecked Sendable {
  let path: String
  /// The size when opened; reads beyond what is there now fail, they do not fault.
  let size: Int
  private let descriptor: Int32
  /// Stored bytes of types other than f32, decoded from here; one reader at a time uses it.
  private var scratch: UnsafeMutableRawBufferPointer?
  private let scratchLock = NSLock()

  /// Opens `path`, a regular file (a FIFO is refused before `open`, which would block).
  init(path: String) throws {
    self.path = path
    try RegularFile.check(path)
    let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard fd >= 0 else { throw MappedFile.openError(path: path, errno: errno) }
    var status = stat()
    guard fstat(fd, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
      close(fd)
      throw EmbCompressError.cannotOpen(path: path, reason: "not a regular file")
    }
    descriptor = fd
    size = Int(status.st_size)
    _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
  }

  deinit {
    close(descriptor)
    scratch?.deallocate()
  }

  /// Reads `output.count` values of `decoder`'s type, stored contiguously from `offset`, as
  /// `Float`. f32 lands straight in `output` (swapped there when it must be); the narrower and
  /// wider types go through a scratch buffer.
  func readValues(at offset: Int, decoder: ElementDecoder, into output: UnsafeMutableBufferPointer<Float>) throws {
    if decoder.elementType == .float32 {
      try read(at: offset, into: UnsafeMutableRawBufferPointer(output))
      if decoder.byteOrder != .host {
        decoder.decode(from: UnsafeRawPointer(output.baseAddress!), stride: 4, into: output)
      }
      return
    }
    let size = decoder.elementType.byteSize
    let count = output.count * size
    scratchLock.lock()
    defer { scratchLock.unlock() }
    if (scratch?.count ?? 0) < count {
      scratch?.deallocate()
      scratch = .allocate(byteCount: count, alignment: 16)
    }
    let bytes = UnsafeMutableRawBufferPointer(rebasing: scratch![0..<count])
    try read(at: offset, into: bytes)
    decoder.decode(from: UnsafeRawPointer(bytes.baseAddress!), stride: size, into: output)
  }

  /// Fills `buffer` with the bytes at `offset`; a file that ends early is `.readFailed`.
  func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws {
    var done = 0
    while done < buffer.count {
      let got = pread(descriptor, buffer.baseAddress! + done, min(buffer.count - done, 1 << 30), off_t(offset + done))
      if got < 0 {
        if errno == EINTR { continue }
        throw EmbCompressError.readFailed(path: path, detail: String(cString: strerror(errno)))
      }
      guard got > 0 else {
        throw EmbCompressError.readFailed(
          path: path, detail: "the file ended at byte \(offset + done) while it was read; was it truncated meanwhile?")
      }
      done += got
    }
  }

  /// The `count` bytes at `offset` (fewer if the file is shorter), for headers.
  func bytes(at offset: Int, count: Int) throws -> [UInt8] {
    let available = max(0, min(count, size - offset))
    var result = [UInt8](repeating: 0, count: available)
    try result.withUnsafeMutableBytes { try read(at: offset, into: $0) }
    return result
  }
}
