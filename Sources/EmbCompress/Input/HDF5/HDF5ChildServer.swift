import CHDF5
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The child side of `HDF5ChildProcess`: runs libhdf5 on an untrusted file for the parent, and
/// writes bulk data into the memory they share.
///
/// Protocol, one line each way; any request may be answered `E <json>` (an `EmbCompressError`):
/// - `table`: the child sends `I <json>` (the table it opened); then, for each
///   `R <first> <end> <offset>` from the parent, it reads those rows as `Float`s into the shared
///   memory at byte `offset` and answers `O`.
/// - `list`: the child sends `L <json>`, the paths of the 2-D float datasets, and exits.
/// - `values`: the child opens the 1-D dataset, sends `N <count>`; on `R 0 <count> <offset>` it
///   reads the values as `Double`s into the shared memory at `offset` and answers `O`.
///
/// End of input ends the child.
public enum HDF5ChildServer {
  /// What the parent asks the child to do with the file.
  public enum Request: String, CaseIterable, Sendable {
    case table, list, values
  }

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

  /// Serves `request` on `path` over standard input and output; `sharedPath` names the shared
  /// memory, `name` the dataset. Exits.
  public static func serve(_ request: Request, path: String, sharedPath: String, name: String?, allowExternal: Bool) -> Never {
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
    var channel = Channel(path: path, sharedPath: sharedPath)
    switch request {
    case .table:
      let source: HDF5TableSource
      do {
        source = try HDF5TableSource(path: path, name: name, allowExternal: allowExternal)
      } catch {
        channel.sendError(error)
        _exit(0)
      }
      let info = source.info
      let opened = Opened(
        name: info.name, rows: info.rows, dim: info.dim, elementType: info.elementType, byteOrder: info.byteOrder,
        rowMultiple: source.preferredRowMultiple)
      channel.send("I " + channel.json(opened))
      while true {
        let (rows, offset) = channel.nextRange(limit: info.rows)
        let count = rows.count * info.dim
        let floats = channel.map(offset: offset, bytes: count * MemoryLayout<Float>.stride).bindMemory(to: Float.self, capacity: count)
        do {
          try source.readRows(rows, into: UnsafeMutableBufferPointer(start: floats, count: count))
          channel.send("O")
        } catch {
          channel.sendError(error)
        }
      }
    case .list:
      do {
        channel.send("L " + channel.json(try HDF5TableSource.tableNames(path: path)))
      } catch {
        channel.sendError(error)
      }
      _exit(0)
    case .values:
      let values: HDF5Values
      do {
        guard let name else { throw EmbCompressError.invalidArguments(detail: "the HDF5 reader needs --dataset for values") }
        values = try HDF5Values(path: path, dataset: name, allowExternal: allowExternal)
      } catch {
        channel.sendError(error)
        _exit(0)
      }
      channel.send("N \(values.count)")
      let (range, offset) = channel.nextRange(limit: values.count)
      guard range == 0..<values.count else { _exit(1) }
      let doubles = channel.map(offset: offset, bytes: values.count * MemoryLayout<Double>.stride)
        .bindMemory(to: Double.self, capacity: values.count)
      do {
        try values.read(into: UnsafeMutableBufferPointer(start: doubles, count: values.count))
        channel.send("O")
      } catch {
        channel.sendError(error)
      }
      _exit(0)
    }
  }

  /// The child's ends of the pipes and of the shared memory. Any failure of the parent's side
  /// (a closed pipe, a malformed request) ends the child: the parent reports it.
  private struct Channel {
    let path: String
    let sharedPath: String
    private var shared: Int32 = -1
    private var mapping: UnsafeMutableRawBufferPointer?
    private var input: [UInt8] = []
    private let encoder = JSONEncoder()

    init(path: String, sharedPath: String) {
      self.path = path
      self.sharedPath = sharedPath
    }

    func json(_ value: some Encodable) -> String {
      String(decoding: (try? encoder.encode(value)) ?? Data(), as: UTF8.self)
    }

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
      send("E " + json(reported))
    }

    /// The next `R <first> <end> <offset>` request, within `0..<limit`; end of input exits.
    mutating func nextRange(limit: Int) -> (rows: Range<Int>, offset: Int) {
      var chunk = [UInt8](repeating: 0, count: 4096)
      while true {
        if let newline = input.firstIndex(of: 0x0A) {
          let fields = String(decoding: input[..<newline], as: UTF8.self).split(separator: " ")
          input.removeSubrange(...newline)
          guard fields.count == 4, fields[0] == "R", let first = Int(fields[1]), let end = Int(fields[2]),
            let offset = Int(fields[3]), 0 <= first, first < end, end <= limit, offset >= 0
          else { _exit(1) }
          return (first..<end, offset)
        }
        let got = read(0, &chunk, chunk.count)
        if got < 0 && errno == EINTR { continue }
        guard got > 0 else { _exit(0) }
        input += chunk[0..<got]
      }
    }

    /// `bytes` of the shared memory at `offset`: the parent sized it before asking, and it is
    /// mapped again, whole, when it grew.
    mutating func map(offset: Int, bytes: Int) -> UnsafeMutableRawPointer {
      if shared < 0 {
        shared = open(sharedPath, O_RDWR | O_CLOEXEC)
        guard shared >= 0 else { _exit(1) }
      }
      let (end, overflow) = offset.addingReportingOverflow(bytes)
      guard !overflow else { _exit(1) }
      if (mapping?.count ?? 0) < end {
        if let old = mapping { munmap(old.baseAddress, old.count) }
        var status = stat()
        guard fstat(shared, &status) == 0, Int(status.st_size) >= end,
          let address = mmap(nil, Int(status.st_size), PROT_READ | PROT_WRITE, MAP_SHARED, shared, 0),
          address != MAP_FAILED
        else { _exit(1) }
        mapping = UnsafeMutableRawBufferPointer(start: address, count: Int(status.st_size))
      }
      return mapping!.baseAddress! + offset
    }
  }
}
