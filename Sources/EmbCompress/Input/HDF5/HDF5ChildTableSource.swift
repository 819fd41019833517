import CHDF5
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// An HDF5 table read by a child process (`HDF5ChildServer`), so that libhdf5 parsing a hostile
/// file can crash or loop without taking the run with it.
///
/// libhdf5 1.10 segfaults on some malformed files (compact-layout overreads, fixed-array chunk
/// indexes, self-referencing virtual datasets) and loops on others; those failures cannot be
/// caught in-process. Here they become one line and exit 65: the child's death by a signal, or
/// no answer for `watchdogSeconds`, is reported as a malformed file.
///
/// The rows travel through shared memory (a memfd the child maps by its `/proc` path), not the
/// pipe: the child's `H5Dread` writes them there and the parent copies each block out once.
/// The pipes carry one short line per block.
public final class HDF5ChildTableSource: TableSource, @unchecked Sendable {
  // Known once the child has opened the table, at the end of `init`.
  public private(set) var info = TableInfo(path: "", format: .hdf5, name: nil, rows: 0, dim: 0, elementType: .float32, byteOrder: .little)
  public private(set) var preferredRowMultiple = 1
  private let path: String
  private let process: Process
  /// The pipes' handles own their descriptors; kept so they stay open as long as we are.
  private let requestPipe = Pipe()
  private let replyPipe = Pipe()
  private let requests: Int32
  private let replies: Int32
  private let shared: Int32
  private var mapping: UnsafeMutableRawBufferPointer?
  private var pending: [UInt8] = []
  private let lock = NSLock()
  private let watchdog: Double

  /// Seconds without an answer after which the child is taken to be stuck. Generous, since one
  /// block of a compressed table may take a while; `EMBCOMPRESS_HDF5_WATCHDOG` overrides it.
  public static var watchdogSeconds: Double {
    ProcessInfo.processInfo.environment["EMBCOMPRESS_HDF5_WATCHDOG"].flatMap(Double.init) ?? 60
  }

  /// Starts `helper` (a command line that ends up in `HDF5ChildServer.serve`) on `path`.
  public init(path: String, name: String?, allowExternal: Bool, helper: [String]) throws {
    try RegularFile.check(path)
    self.path = path
    watchdog = Self.watchdogSeconds
    shared = chdf5_shared_memory()
    guard shared >= 0 else {
      throw EmbCompressError.readFailed(path: path, detail: "cannot share memory with the HDF5 reader: \(String(cString: strerror(errno)))")
    }
    // A child that died makes a write to its pipe raise SIGPIPE; the write's error says it better.
    signal(SIGPIPE, SIG_IGN)
    let input = requestPipe
    let output = replyPipe
    process = Process()
    process.executableURL = URL(fileURLWithPath: helper[0])
    var arguments = Array(helper.dropFirst()) + [path, "/proc/\(getpid())/fd/\(shared)"]
    if let name { arguments += ["--dataset", name] }
    if allowExternal { arguments.append("--allow-external") }
    process.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    // A crash is expected now and then: no backtrace (slow, and 50 lines nobody sees).
    environment["SWIFT_BACKTRACE"] = "enable=no"
    process.environment = environment
    process.standardInput = input
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    requests = input.fileHandleForWriting.fileDescriptor
    replies = output.fileHandleForReading.fileDescriptor
    do {
      try process.run()
    } catch {
      close(shared)
      throw EmbCompressError.readFailed(path: path, detail: "cannot start the HDF5 reader: \(error)")
    }
    // Keep only our ends of the pipes open, so the child's exit is seen as end of file.
    try? input.fileHandleForReading.close()
    try? output.fileHandleForWriting.close()
    do {
      let line = try reply(while: "opening it")
      guard line.hasPrefix("I ") else { throw failure(line) }
      let opened = try JSONDecoder().decode(HDF5ChildServer.Opened.self, from: Data(line.dropFirst(2).utf8))
      info = TableInfo(
        path: path, format: .hdf5, name: opened.name, rows: opened.rows, dim: opened.dim,
        elementType: opened.elementType, byteOrder: opened.byteOrder)
      preferredRowMultiple = max(1, opened.rowMultiple)
    } catch {
      shutDown()
      throw error
    }
  }

  deinit { shutDown() }

  public func readRows(_ range: Range<Int>, into buffer: UnsafeMutableBufferPointer<Float>) throws {
    lock.lock()
    defer { lock.unlock() }
    let bytes = buffer.count * MemoryLayout<Float>.stride
    try ensureMapping(bytes)
    let request = "R \(range.lowerBound) \(range.upperBound)\n"
    guard request.utf8CString.withUnsafeBufferPointer({ write(requests, $0.baseAddress, $0.count - 1) }) == request.utf8.count else {
      throw try childEnded(while: "reading rows \(range.lowerBound)..<\(range.upperBound)")
    }
    let line = try reply(while: "reading rows \(range.lowerBound)..<\(range.upperBound)")
    guard line == "O" else { throw failure(line) }
    UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: mapping!.baseAddress!, byteCount: bytes)
  }

  /// Grows the shared memory (and both mappings of it) to hold `bytes`.
  private func ensureMapping(_ bytes: Int) throws {
    if let mapping, mapping.count >= bytes { return }
    if let mapping { munmap(mapping.baseAddress, mapping.count) }
    mapping = nil
    guard ftruncate(shared, off_t(bytes)) == 0 else {
      throw EmbCompressError.readFailed(path: path, detail: "cannot share memory with the HDF5 reader: \(String(cString: strerror(errno)))")
    }
    let address = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, shared, 0)
    guard let address, address != MAP_FAILED else {
      throw EmbCompressError.readFailed(path: path, detail: "cannot map memory shared with the HDF5 reader: \(String(cString: strerror(errno)))")
    }
    mapping = UnsafeMutableRawBufferPointer(start: address, count: bytes)
  }

  /// The child's next line, waiting at most `watchdog` seconds; a signal to this process ends
  /// the wait (`Interrupted`).
  private func reply(while doing: String) throws -> String {
    let deadline = Date().addingTimeInterval(watchdog)
    while true {
      if let newline = pending.firstIndex(of: 0x0A) {
        let line = String(decoding: pending[..<newline], as: UTF8.self)
        pending.removeSubrange(...newline)
        return line
      }
      try Cancellation.check()
      guard Date() < deadline else {
        kill(process.processIdentifier, SIGKILL)
        throw EmbCompressError.malformed(
          path: path,
          detail: "libhdf5 made no progress for \(Int(watchdog)) s while \(doing) (a loop in the file's structures?); stopped it")
      }
      var poller = pollfd(fd: replies, events: Int16(POLLIN), revents: 0)
      let ready = poll(&poller, 1, 100)
      if ready < 0 && errno != EINTR { throw try childEnded(while: doing) }
      guard ready > 0 else { continue }
      var chunk = [UInt8](repeating: 0, count: 65536)
      let got = read(replies, &chunk, chunk.count)
      if got < 0 && errno == EINTR { continue }
      guard got > 0 else { throw try childEnded(while: doing) }
      pending += chunk[0..<got]
    }
  }

  /// The error for a child that went away: a crash inside libhdf5 is a malformed file.
  private func childEnded(while doing: String) throws -> Error {
    process.waitUntilExit()
    try Cancellation.check()
    if process.terminationReason == .uncaughtSignal {
      let number = process.terminationStatus
      let name = number == SIGSEGV ? "SIGSEGV" : number == SIGBUS ? "SIGBUS" : number == SIGABRT ? "SIGABRT" : number == SIGKILL ? "SIGKILL" : "signal \(number)"
      return EmbCompressError.malformed(path: path, detail: "libhdf5 crashed (\(name)) while \(doing); the file is malformed")
    }
    return EmbCompressError.malformed(
      path: path, detail: "the HDF5 reader stopped (exit \(process.terminationStatus)) while \(doing); the file is malformed")
  }

  /// The error the child sent (`E` and the error as JSON), or a protocol failure.
  private func failure(_ line: String) -> Error {
    if line.hasPrefix("E "), let error = try? JSONDecoder().decode(EmbCompressError.self, from: Data(line.dropFirst(2).utf8)) {
      return error
    }
    return EmbCompressError.malformed(path: path, detail: "the HDF5 reader answered \(UntrustedText.quoted(line))")
  }

  private func shutDown() {
    // The child only reads; nothing of it needs to finish.
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    try? requestPipe.fileHandleForWriting.close()
    try? replyPipe.fileHandleForReading.close()
    if process.processIdentifier > 0 { process.waitUntilExit() }
    if let mapping { munmap(mapping.baseAddress, mapping.count) }
    mapping = nil
    close(shared)
  }
}
