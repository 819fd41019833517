import CHDF5
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The parent's side of one HDF5 child reader (`HDF5ChildServer`, started by
/// `HDF5ChildLauncher`): the process, its two pipes,
/// the memory the bulk data travels through, and what its death or silence means.
///
/// libhdf5 1.10 segfaults on some malformed files (compact-layout overreads, fixed-array chunk
/// indexes, self-referencing virtual datasets) and loops on others; those failures cannot be
/// caught in-process. Here they become one error: the child's death by a signal, or no answer
/// for `watchdogSeconds`, is reported as a malformed file (exit 65). Every use of libhdf5 on an
/// input goes through one: the table (`HDF5ChildTableSource`), the listing behind
/// `--all-tables` and `--dataset` globs (`tableNames`), and HDF5 counts (`values`).
///
/// The bulk data travels through shared memory (a memfd the child maps by its `/proc` path),
/// not the pipe; the pipes carry one short line per request.
final class HDF5ChildProcess {
  let path: String
  private let launcher: HDF5ChildLauncher
  private let pid: pid_t
  private let requests: Int32
  private let replies: Int32
  private let shared: Int32
  /// Every mapping of the shared memory made so far, each of it whole as it then was.
  private var mappings: [UnsafeMutableRawBufferPointer] = []
  private var sharedSize = 0
  private var pending: [UInt8] = []
  /// How much of `pending` is known to hold no newline, so a long line is scanned once.
  private var scanned = 0
  private let watchdog: Double

  /// Seconds without an answer after which the child is taken to be stuck. Generous, since one
  /// block of a compressed table may take a while; `EMBCOMPRESS_HDF5_WATCHDOG` overrides it.
  static var watchdogSeconds: Double {
    ProcessInfo.processInfo.environment["EMBCOMPRESS_HDF5_WATCHDOG"].flatMap(Double.init) ?? 60
  }

  /// Has `launcher` start a child for `request` on `path`, on dataset `name` if given.
  init(request: HDF5ChildServer.Request, path: String, name: String? = nil, allowExternal: Bool = false, launcher: HDF5ChildLauncher) throws {
    try RegularFile.check(path)
    self.path = path
    self.launcher = launcher
    watchdog = Self.watchdogSeconds
    shared = chdf5_shared_memory()
    guard shared >= 0 else {
      throw EmbCompressError.readFailed(path: path, detail: "cannot share memory with the HDF5 reader: \(String(cString: strerror(errno)))")
    }
    // A child that died makes a write to its pipe raise SIGPIPE; the write's error says it better.
    signal(SIGPIPE, SIG_IGN)
    let reader: HDF5ChildLauncher.Reader
    do {
      reader = try launcher.launch(
        request, path: path, sharedPath: "/proc/\(getpid())/fd/\(shared)", name: name, allowExternal: allowExternal)
    } catch {
      close(shared)
      throw error
    }
    pid = reader.pid
    requests = reader.requests
    replies = reader.replies
  }

  deinit { shutDown() }

  /// Sends one request line (without its newline).
  func send(_ line: String, while doing: String) throws {
    let bytes = Array((line + "\n").utf8)
    var done = 0
    while done < bytes.count {
      let wrote = bytes[done...].withUnsafeBytes { write(requests, $0.baseAddress, $0.count) }
      if wrote < 0 && errno == EINTR { continue }
      guard wrote > 0 else { throw try childEnded(while: doing) }
      done += wrote
    }
  }

  /// The child's next line, which must start with `tag` and a space (or be just `tag`); the
  /// rest of it. An `E` line is the child's error, thrown.
  func expect(_ tag: String, while doing: String) throws -> Substring {
    let line = try reply(while: doing)
    if line == tag { return "" }
    guard line.hasPrefix(tag + " ") else { throw failure(line) }
    return line.dropFirst(tag.count + 1)
  }

  /// A new stretch of `bytes` of the shared memory, for the child to write into: the memory
  /// grows by it and is mapped again whole. Earlier stretches stay valid (their mappings are
  /// kept until the end, and show the same pages), so a buffer handed out is never moved.
  func sharedRegion(bytes: Int) throws -> UnsafeMutableRawBufferPointer {
    let start = sharedSize
    let (size, overflow) = start.addingReportingOverflow(max(bytes, 1))
    guard !overflow, ftruncate(shared, off_t(size)) == 0 else {
      throw EmbCompressError.readFailed(path: path, detail: "cannot share memory with the HDF5 reader: \(String(cString: strerror(errno)))")
    }
    let address = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, shared, 0)
    guard let address, address != MAP_FAILED else {
      throw EmbCompressError.readFailed(path: path, detail: "cannot map memory shared with the HDF5 reader: \(String(cString: strerror(errno)))")
    }
    sharedSize = size
    mappings.append(UnsafeMutableRawBufferPointer(start: address, count: size))
    return UnsafeMutableRawBufferPointer(start: address + start, count: bytes)
  }

  /// Where `bytes` at `pointer` lie in the shared memory (the offset the child writes at), or
  /// nil when they are not all inside it.
  func sharedOffset(of pointer: UnsafeRawPointer, bytes: Int) -> Int? {
    for mapping in mappings {
      let base = UnsafeRawPointer(mapping.baseAddress!)
      if pointer >= base, pointer + bytes <= base + mapping.count { return pointer - base }
    }
    return nil
  }

  /// The child's next line, waiting at most `watchdog` seconds; a signal to this process ends
  /// the wait (`Interrupted`).
  private func reply(while doing: String) throws -> String {
    let deadline = Date().addingTimeInterval(watchdog)
    while true {
      if let newline = pending[scanned...].firstIndex(of: 0x0A) {
        let line = String(decoding: pending[..<newline], as: UTF8.self)
        pending.removeSubrange(...newline)
        scanned = 0
        return line
      }
      scanned = pending.count
      try Cancellation.checkForSignal()
      guard Date() < deadline else {
        launcher.stop(pid)
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
    let status = launcher.status(of: pid)
    try Cancellation.checkForSignal()
    guard let status else {
      return EmbCompressError.malformed(path: path, detail: "the HDF5 reader stopped while \(doing); the file is malformed")
    }
    if chdf5_signaled(status) != 0 {
      let number = chdf5_term_signal(status)
      let name = number == SIGSEGV ? "SIGSEGV" : number == SIGBUS ? "SIGBUS" : number == SIGABRT ? "SIGABRT" : number == SIGKILL ? "SIGKILL" : "signal \(number)"
      return EmbCompressError.malformed(path: path, detail: "libhdf5 crashed (\(name)) while \(doing); the file is malformed")
    }
    return EmbCompressError.malformed(
      path: path, detail: "the HDF5 reader stopped (exit \(chdf5_exit_status(status))) while \(doing); the file is malformed")
  }

  /// The error the child sent (`E` and the error as JSON), or a protocol failure.
  private func failure(_ line: String) -> Error {
    if line.hasPrefix("E "), let error = try? JSONDecoder().decode(EmbCompressError.self, from: Data(line.dropFirst(2).utf8)) {
      return error
    }
    return EmbCompressError.malformed(path: path, detail: "the HDF5 reader answered \(UntrustedText.quoted(String(line.prefix(200))))")
  }

  private func shutDown() {
    // The child only reads; nothing of it needs to finish, and nobody waits for it: the
    // launcher reaps it.
    launcher.stop(pid)
    close(requests)
    close(replies)
    for mapping in mappings { munmap(mapping.baseAddress, mapping.count) }
    mappings = []
    close(shared)
  }

  /// The 2-D float datasets of `path`, listed by a child reader (`TableCatalog`).
  static func tableNames(path: String, launcher: HDF5ChildLauncher) throws -> [String] {
    let child = try HDF5ChildProcess(request: .list, path: path, launcher: launcher)
    let listed = try child.expect("L", while: "listing its datasets")
    guard let names = try? JSONDecoder().decode([String].self, from: Data(listed.utf8)) else {
      throw child.failure("L " + listed)
    }
    return names
  }

  /// The 1-D numeric dataset `dataset` of `path` as `Double`s, read by a child reader (`IdCounts`).
  static func values(path: String, dataset: String, allowExternal: Bool, launcher: HDF5ChildLauncher) throws -> [Double] {
    let child = try HDF5ChildProcess(request: .values, path: path, name: dataset, allowExternal: allowExternal, launcher: launcher)
    let announced = try child.expect("N", while: "opening the counts")
    // The child checked the length against the stored bytes; this bounds it again, since the
    // parent allocates from it.
    guard let count = Int(announced), count >= 0, !count.multipliedReportingOverflow(by: 8).overflow else {
      throw child.failure("N " + announced)
    }
    var values = [Double](repeating: 0, count: count)
    guard count > 0 else { return values }
    let region = try child.sharedRegion(bytes: count * 8)
    try child.send("R 0 \(count) \(child.sharedOffset(of: region.baseAddress!, bytes: region.count)!)", while: "reading the counts")
    _ = try child.expect("O", while: "reading the counts")
    values.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(region)) }
    return values
  }
}
