import CHDF5
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A small process, forked when the program starts, that forks the HDF5 child readers
/// (`HDF5ChildServer`) on request, so that starting one costs a `fork` of a process that is
/// already set up rather than an `exec` of the whole binary.
///
/// Exec'ing a reader cost about 25 ms per run (the dynamic loader binding libhdf5's library
/// chain, the Swift runtime, argument parsing), which alone broke the 5% the child may add to
/// a 1 GB read. Forking the main process instead, once it runs, is not safe: its other threads
/// (the read-ahead, Dispatch's workers, OpenBLAS's pool) may hold locks that the child would
/// inherit locked. This process is forked before any of those exist, and forks nothing but
/// readers.
///
///     // First thing in main(), while the process has one thread:
///     let launcher = HDF5ChildLauncher.start()
///     var options = TableOpenOptions()
///     options.hdf5Launcher = launcher
///
/// It ends with the program: when its socket closes, or by `PR_SET_PDEATHSIG` when the program
/// dies; its readers then see their pipes close or their parent go, and end too. It ignores
/// SIGINT and SIGTERM, which the program handles for the whole process group.
///
/// Messages on the socket, one request and at most one answer each, in order:
/// - `S`, then NUL-separated request, path, shared-memory path, dataset (empty for none),
///   has-dataset and allow-external flags (`0`/`1`), with the reader's standard input and
///   output attached: answered `P <pid>`, or `F <errno>`.
/// - `W <pid>`: answered `X <wait status>` once that reader has ended, or `X -1` if it is
///   not one of ours.
/// - `K <pid>`: that reader is killed unless it has been reaped already; no answer.
public final class HDF5ChildLauncher: @unchecked Sendable {
  private let socket: Int32
  private let lock = NSLock()
  /// Requests whose answers did not come in time: they come before the next one's.
  private var unanswered = 0

  private init(socket: Int32) { self.socket = socket }

  deinit { close(socket) }

  /// Forks the launcher; nil when that fails (then HDF5 is read in-process). Call before the
  /// program starts any thread.
  public static func start() -> HDF5ChildLauncher? {
    var pair: [Int32] = [-1, -1]
    guard chdf5_socket_pair(&pair) == 0 else { return nil }
    let parent = getpid()
    let pid = chdf5_fork()
    if pid < 0 {
      close(pair[0])
      close(pair[1])
      return nil
    }
    if pid == 0 {
      close(pair[0])
      serve(socket: pair[1], parent: parent)
    }
    close(pair[1])
    return HDF5ChildLauncher(socket: pair[0])
  }

  /// A reader started on `path`: its process id, and the ends of its standard input (to
  /// write requests to) and output (to read answers from), both close-on-exec.
  struct Reader {
    var pid: pid_t
    var requests: Int32
    var replies: Int32
  }

  /// Starts a reader for `request` on `path`; the caller owns the descriptors it returns.
  func launch(
    _ request: HDF5ChildServer.Request, path: String, sharedPath: String, name: String?, allowExternal: Bool
  ) throws -> Reader {
    func failure(_ detail: String) -> EmbCompressError {
      .readFailed(path: path, detail: "cannot start the HDF5 reader: \(detail)")
    }
    var input: [Int32] = [-1, -1]
    var output: [Int32] = [-1, -1]
    guard pipe(&input) == 0 else { throw failure(String(cString: strerror(errno))) }
    guard pipe(&output) == 0 else {
      let error = errno
      close(input[0])
      close(input[1])
      throw failure(String(cString: strerror(error)))
    }
    for fd in input + output { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    // The reader's ends go to the launcher (which passes them on); ours stay, if it started.
    defer {
      close(input[0])
      close(output[1])
    }
    let fields = [request.rawValue, path, sharedPath, name ?? "", name == nil ? "0" : "1", allowExternal ? "1" : "0"]
    let message = Array(("S\0" + fields.joined(separator: "\0")).utf8)
    do {
      let answer = try exchange(message, fds: [input[0], output[1]], path: path)
      guard answer.hasPrefix("P "), let pid = pid_t(answer.dropFirst(2)), pid > 0 else {
        let code = answer.hasPrefix("F ") ? Int32(answer.dropFirst(2)) ?? 0 : 0
        throw failure(code != 0 ? String(cString: strerror(code)) : "the launcher answered \(UntrustedText.quoted(answer))")
      }
      return Reader(pid: pid, requests: input[1], replies: output[0])
    } catch {
      close(input[1])
      close(output[0])
      throw error
    }
  }

  /// How reader `pid` ended (a wait status), waiting at most `seconds` for it; nil when that
  /// is not known.
  func status(of pid: pid_t, seconds: Double = 10) -> Int32? {
    guard let answer = try? exchange(Array("W \(pid)".utf8), fds: [], path: "", seconds: seconds),
      answer.hasPrefix("X "), let status = Int32(answer.dropFirst(2)), status >= 0
    else { return nil }
    return status
  }

  /// Kills reader `pid` unless it has been reaped (so a reused process id is never hit).
  func stop(_ pid: pid_t) {
    lock.withLock {
      let message = Array("K \(pid)".utf8)
      _ = chdf5_send_message(socket, message, message.count, nil, 0)
    }
  }

  /// Sends `message` (with `fds`) and returns the answer, waiting at most `seconds`.
  private func exchange(_ message: [UInt8], fds: [Int32], path: String, seconds: Double = 10) throws -> String {
    try lock.withLock {
      let failure = EmbCompressError.readFailed(path: path, detail: "cannot start the HDF5 reader: its launcher is gone")
      // Answers to requests that timed out come first; they are not ours.
      while unanswered > 0 {
        guard try receive(seconds: seconds, failure: failure) != nil else { throw failure }
        unanswered -= 1
      }
      guard chdf5_send_message(socket, message, message.count, fds, Int32(fds.count)) == message.count else { throw failure }
      guard let answer = try receive(seconds: seconds, failure: failure) else {
        unanswered += 1
        throw failure
      }
      return answer
    }
  }

  /// The launcher's next answer, or nil when none came within `seconds`. Called under `lock`.
  private func receive(seconds: Double, failure: EmbCompressError) throws -> String? {
    var poller = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
    let deadline = Date().addingTimeInterval(seconds)
    while true {
      let ready = poll(&poller, 1, 100)
      if ready > 0 { break }
      if ready < 0 && errno != EINTR { throw failure }
      guard Date() < deadline else { return nil }
    }
    var buffer = [UInt8](repeating: 0, count: 256)
    var received: [Int32] = [-1, -1, -1, -1]
    var count: Int32 = 0
    let got = chdf5_receive_message(socket, &buffer, buffer.count, &received, &count)
    for index in 0..<Int(count) { close(received[index]) }
    guard got > 0 else { throw failure }
    return String(decoding: buffer[0..<got], as: UTF8.self)
  }

  // MARK: The launcher process

  /// The launcher's loop; never returns. Only system calls and plain Swift here: this process
  /// is a copy of the program taken before anything was set up.
  private static func serve(socket: Int32, parent: pid_t) -> Never {
    _ = chdf5_die_with_parent()
    if getppid() != parent { _exit(0) }
    signal(SIGINT, SIG_IGN)
    signal(SIGTERM, SIG_IGN)
    signal(SIGPIPE, SIG_IGN)
    // A reader's crash should just end it: not run the Swift backtracer (seconds, and lines
    // nobody sees), so the crash signals get their default action back.
    for crash in [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP] { signal(crash, SIG_DFL) }
    // Not the program's terminal or pipes: holding them would keep a reader of our output
    // waiting for an end of file after the program ended.
    let null = open("/dev/null", O_RDWR)
    if null >= 0 {
      for fd: Int32 in 0...2 { dup2(null, fd) }
      if null > 2 { close(null) }
    }
    // libhdf5's one-time set-up, done once here rather than in every reader.
    _ = H5open()
    // Readers not yet reaped: only those may be killed, since a reaped one's process id may
    // already be another process's.
    var live: Set<pid_t> = []
    var ended: [pid_t: Int32] = [:]
    var buffer = [UInt8](repeating: 0, count: 65536)
    var fds: [Int32] = [-1, -1, -1, -1]
    func answer(_ text: String) {
      let bytes = Array(text.utf8)
      if chdf5_send_message(socket, bytes, bytes.count, nil, 0) < 0 { _exit(0) }
    }
    func reap() {
      var status: Int32 = 0
      while true {
        let pid = waitpid(-1, &status, WNOHANG)
        guard pid > 0 else { return }
        live.remove(pid)
        // Readers the program stopped are never asked about; keep a bounded record.
        if ended.count >= 4096 { ended.removeAll() }
        ended[pid] = status
      }
    }
    while true {
      var count: Int32 = 0
      let got = chdf5_receive_message(socket, &buffer, buffer.count, &fds, &count)
      guard got > 0 else { _exit(0) }
      reap()
      let received = Array(fds[0..<Int(count)])
      // Ours to close once handled: a started reader has its own copies (the forked one never
      // gets here, since `serve` does not return).
      defer { for fd in received { close(fd) } }
      let fields = buffer[0..<got].split(separator: 0, omittingEmptySubsequences: false).map {
        String(decoding: $0, as: UTF8.self)
      }
      switch fields[0].first {
      case "S":
        guard fields.count == 7, received.count == 2, let request = HDF5ChildServer.Request(rawValue: fields[1]) else {
          answer("F \(EINVAL)")
          continue
        }
        let pid = chdf5_fork()
        if pid == 0 {
          close(socket)
          dup2(received[0], 0)
          dup2(received[1], 1)
          for fd in received where fd > 2 { close(fd) }
          HDF5ChildServer.serve(
            request, path: fields[2], sharedPath: fields[3], name: fields[5] == "1" ? fields[4] : nil,
            allowExternal: fields[6] == "1")
        }
        let error = errno
        if pid > 0 { live.insert(pid) }
        answer(pid > 0 ? "P \(pid)" : "F \(error)")
      case "W":
        guard let pid = pid_t(fields[0].dropFirst(2)), pid > 0 else {
          answer("X -1")
          continue
        }
        if let status = ended.removeValue(forKey: pid) {
          answer("X \(status)")
          continue
        }
        var status: Int32 = 0
        var result: pid_t
        repeat { result = waitpid(pid, &status, 0) } while result < 0 && errno == EINTR
        live.remove(pid)
        answer(result == pid ? "X \(status)" : "X -1")
      case "K":
        guard let pid = pid_t(fields[0].dropFirst(2)), pid > 0 else { continue }
        ended.removeValue(forKey: pid)
        if live.contains(pid) { kill(pid, SIGKILL) }
      default:
        break
      }
    }
  }
}

extension HDF5ChildLauncher: Equatable {
  public static func == (left: HDF5ChildLauncher, right: HDF5ChildLauncher) -> Bool { left === right }
}
