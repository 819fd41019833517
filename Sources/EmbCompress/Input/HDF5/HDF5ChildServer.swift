import CHDF5
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The child side of `HDF5ChildTableSource`: opens the table with libhdf5 and reads the row
/// blocks the parent asks for into the memory they share.
///
/// Protocol, one line each way: the child first sends `I <json>` (the table) or `E <json>` (an
/// `EmbCompressError`); then, for each `R <first> <end>` from the parent, it reads those rows
/// into the shared memory and answers `O`, or `E <json>`. End of input ends it.
public enum HDF5ChildServer {
  /// What the child tells the parent of the table it opened.
  struct Opened: Codable {
    var name: String?
    var rows: Int
    var dim: Int
    var elementType: ElementType
    var byteOrder: ByteOrder
    var rowMultiple: Int
  }

  /// The most address space the child may use, so that a file that makes libhdf5 allocate in
  /// a loop fails an allocation within seconds rather than take the machine's memory first.
  static let addressSpaceLimit: rlim_t = 16 << 30

  /// Serves `path` on standard input and output; `sharedPath` names the shared memory. Exits.
  public static func serve(path: String, sharedPath: String, name: String?, allowExternal: Bool) -> Never {
    // The terminal's SIGINT reaches the whole process group; the parent decides what it means.
    signal(SIGINT, SIG_IGN)
    signal(SIGTERM, SIG_IGN)
    signal(SIGPIPE, SIG_IGN)
    // If the parent dies (even by SIGKILL), so does the child.
    _ = chdf5_die_with_parent()
    if getppid() == 1 { _exit(0) }
    var limit = rlimit(rlim_cur: addressSpaceLimit, rlim_max: addressSpaceLimit)
    var current = rlimit()
    if getrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &current) == 0, current.rlim_cur > addressSpaceLimit {
      limit.rlim_max = current.rlim_max
      _ = setrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &limit)
    }
    let encoder = JSONEncoder()
    func send(_ line: String) {
      let bytes = Array((line + "\n").utf8)
      var done = 0
      while done < bytes.count {
        let wrote = bytes[done...].withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
        if wrote < 0 && errno == EINTR { continue }
        guard wrote > 0 else { _exit(0) }
        done += wrote
      }
    }
    func sendError(_ error: Error) {
      let reported = (error as? EmbCompressError) ?? .malformed(path: path, detail: "\(error)")
      send("E " + String(decoding: (try? encoder.encode(reported)) ?? Data(), as: UTF8.self))
    }

    let source: HDF5TableSource
    do {
      source = try HDF5TableSource(path: path, name: name, allowExternal: allowExternal)
    } catch {
      sendError(error)
      _exit(0)
    }
    let info = source.info
    let opened = Opened(
      name: info.name, rows: info.rows, dim: info.dim, elementType: info.elementType, byteOrder: info.byteOrder,
      rowMultiple: source.preferredRowMultiple)
    send("I " + String(decoding: (try? encoder.encode(opened)) ?? Data(), as: UTF8.self))

    let shared = open(sharedPath, O_RDWR | O_CLOEXEC)
    guard shared >= 0 else { _exit(1) }
    var mapping: UnsafeMutableRawBufferPointer?
    var input: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
      guard let newline = input.firstIndex(of: 0x0A) else {
        let got = read(0, &chunk, chunk.count)
        if got < 0 && errno == EINTR { continue }
        guard got > 0 else { _exit(0) }
        input += chunk[0..<got]
        continue
      }
      let fields = String(decoding: input[..<newline], as: UTF8.self).split(separator: " ")
      input.removeSubrange(...newline)
      guard fields.count == 3, fields[0] == "R", let first = Int(fields[1]), let end = Int(fields[2]),
        0 <= first, first < end, end <= info.rows
      else { _exit(1) }
      let bytes = (end - first) * info.dim * MemoryLayout<Float>.stride
      // The parent sized the memory before asking; map it again when it grew.
      if (mapping?.count ?? 0) < bytes {
        if let old = mapping { munmap(old.baseAddress, old.count) }
        var status = stat()
        guard fstat(shared, &status) == 0, Int(status.st_size) >= bytes,
          let address = mmap(nil, Int(status.st_size), PROT_READ | PROT_WRITE, MAP_SHARED, shared, 0),
          address != MAP_FAILED
        else { _exit(1) }
        mapping = UnsafeMutableRawBufferPointer(start: address, count: Int(status.st_size))
      }
      let floats = mapping!.baseAddress!.bindMemory(to: Float.self, capacity: bytes / 4)
      do {
        try source.readRows(first..<end, into: UnsafeMutableBufferPointer(start: floats, count: bytes / 4))
        send("O")
      } catch {
        sendError(error)
      }
    }
  }
}
