import Foundation

/// An HDF5 table read by a child process (`HDF5ChildServer`, through `HDF5ChildProcess`), so
/// that libhdf5 parsing a hostile file can crash or loop without taking the run with it: either
/// becomes one line and exit 65.
///
/// The child's `H5Dread` writes each block into memory the two processes share. A streamed
/// pass's blocks live there (`takeBlockBuffer`), so they are read in place with no copy; rows
/// asked for elsewhere (`readAll` into the caller's array) are copied out once. The pipes carry
/// one short line per block.
public final class HDF5ChildTableSource: TableSource, @unchecked Sendable {
  public let info: TableInfo
  public let preferredRowMultiple: Int
  private let child: HDF5ChildProcess
  private let lock = NSLock()
  /// Shared block buffers no pass is using, for the next one.
  private var spareBlockBuffers: [UnsafeMutableBufferPointer<Float>] = []
  /// Where rows for a buffer outside the shared memory are read, then copied from.
  private var scratch: UnsafeMutableRawBufferPointer?

  /// Has `launcher` start a child reader on `path`.
  public init(path: String, name: String?, allowExternal: Bool, launcher: HDF5ChildLauncher) throws {
    child = try HDF5ChildProcess(request: .table, path: path, name: name, allowExternal: allowExternal, launcher: launcher)
    let json = try child.expect("I", while: "opening it")
    guard let opened = try? JSONDecoder().decode(HDF5ChildServer.Opened.self, from: Data(json.utf8)) else {
      throw EmbCompressError.malformed(path: path, detail: "the HDF5 reader answered \(UntrustedText.quoted(String(json.prefix(200))))")
    }
    info = TableInfo(
      path: path, format: .hdf5, name: opened.name, rows: opened.rows, dim: opened.dim,
      elementType: opened.elementType, byteOrder: opened.byteOrder)
    preferredRowMultiple = max(1, opened.rowMultiple)
  }

  public func readRows(_ range: Range<Int>, into buffer: UnsafeMutableBufferPointer<Float>) throws {
    lock.lock()
    defer { lock.unlock() }
    let bytes = buffer.count * MemoryLayout<Float>.stride
    let doing = "reading rows \(range.lowerBound)..<\(range.upperBound)"
    if let offset = child.sharedOffset(of: buffer.baseAddress!, bytes: bytes) {
      try child.send("R \(range.lowerBound) \(range.upperBound) \(offset)", while: doing)
      _ = try child.expect("O", while: doing)
      return
    }
    if (scratch?.count ?? 0) < bytes { scratch = try child.sharedRegion(bytes: bytes) }
    let offset = child.sharedOffset(of: scratch!.baseAddress!, bytes: bytes)!
    try child.send("R \(range.lowerBound) \(range.upperBound) \(offset)", while: doing)
    _ = try child.expect("O", while: doing)
    UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: scratch!.baseAddress!, byteCount: bytes)
  }

  public func takeBlockBuffer(count: Int) -> UnsafeMutableBufferPointer<Float> {
    lock.lock()
    defer { lock.unlock() }
    if let index = spareBlockBuffers.firstIndex(where: { $0.count >= count }) {
      return spareBlockBuffers.remove(at: index)
    }
    // Ordinary memory if the shared memory cannot grow: readRows then copies, as for readAll.
    guard let region = try? child.sharedRegion(bytes: count * MemoryLayout<Float>.stride) else {
      return BlockBufferPool.take(count: count)
    }
    return region.bindMemory(to: Float.self)
  }

  public func giveBlockBuffer(_ buffer: UnsafeMutableBufferPointer<Float>) {
    lock.lock()
    defer { lock.unlock() }
    guard child.sharedOffset(of: buffer.baseAddress!, bytes: buffer.count * MemoryLayout<Float>.stride) != nil else {
      BlockBufferPool.give(buffer)
      return
    }
    spareBlockBuffers.append(buffer)
  }
}
