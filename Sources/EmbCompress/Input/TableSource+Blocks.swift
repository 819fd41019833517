import CKernels
import Foundation

/// Block sizing for streamed passes.
public enum BlockSizing {
  /// The largest block a pass holds: 4 MiB of `Float`. Small enough that a block the reader has
  /// just written is still in the last-level cache (32 MiB here) when the pass reads it, and that
  /// two blocks in flight stay there too; large enough that the per-block costs (one `H5Dread`,
  /// one hand-off to the workers) vanish. docs/performance.md has the measurements.
  public static let defaultMaxBytes = 4 << 20

  /// Rows per block for `dim` columns: as many as fit in `maxBytes`, rounded down to `multiple`
  /// (but never below one multiple or one row).
  public static func rowsPerBlock(dim: Int, maxBytes: Int, multiple: Int) -> Int {
    let fit = max(1, maxBytes / max(1, dim * MemoryLayout<Float>.stride))
    let step = max(1, multiple)
    return max(step, fit / step * step)
  }
}

extension TableSource {
  /// Streams the whole table once, in order, as blocks of at most `maxBlockBytes`.
  ///
  /// With `readAhead` (the default) a reader thread reads the next block while this one is checked
  /// and handed to `body`, in two alternating buffers; `body` still runs on the calling thread, in
  /// row order. The reader is the only thread that calls `readRows` (HDF5 serialises every call
  /// anyway). Without `readAhead` everything runs on the calling thread.
  ///
  /// Non-finite values are refused: on the first one the pass stops handing blocks to `body`,
  /// reads on only to count them all, and throws `.nonFiniteValues`.
  ///
  ///     var total = 0.0
  ///     try table.forEachBlock { block in total += block.values.reduce(0) { $0 + Double($1) } }
  public func forEachBlock(
    maxBlockBytes: Int = BlockSizing.defaultMaxBytes, readAhead: Bool = true, _ body: (RowBlock) throws -> Void
  ) throws {
    let info = self.info
    let blockRows = min(
      info.rows,
      BlockSizing.rowsPerBlock(dim: info.dim, maxBytes: maxBlockBytes, multiple: preferredRowMultiple))
    guard blockRows > 0 else { return }
    let slots = readAhead ? 2 : 1
    let buffer = takeBlockBuffer(count: slots * blockRows * info.dim)
    defer { giveBlockBuffer(buffer) }
    try BlockReader.run(source: self, blockRows: blockRows, readAhead: readAhead, slots: slots) { block, slot in
      let start = (slot * blockRows) * info.dim
      return UnsafeMutableBufferPointer(rebasing: buffer[start..<(start + block.count * info.dim)])
    } body: { block in
      try body(block)
    }
  }

  /// Reads the whole table once, in order, into `destination` (`rows × dim` Floats), handing each
  /// block to `body` as soon as it is there. The same checks and read-ahead as `forEachBlock`;
  /// no block buffer, since every block has its own place in `destination`.
  public func readAll(
    into destination: UnsafeMutableBufferPointer<Float>, maxBlockBytes: Int = BlockSizing.defaultMaxBytes,
    readAhead: Bool = true, _ body: (RowBlock) throws -> Void
  ) throws {
    let info = self.info
    precondition(destination.count == info.rows * info.dim, "the destination must hold rows × dim values")
    let blockRows = min(
      info.rows,
      BlockSizing.rowsPerBlock(dim: info.dim, maxBytes: maxBlockBytes, multiple: preferredRowMultiple))
    guard blockRows > 0 else { return }
    try BlockReader.run(source: self, blockRows: blockRows, readAhead: readAhead, slots: Int.max) { block, _ in
      UnsafeMutableBufferPointer(rebasing: destination[(block.lowerBound * info.dim)..<(block.upperBound * info.dim)])
    } body: { block in
      try body(block)
    }
  }
}

/// The loop behind `forEachBlock` and `readAll`: read a block, check it, hand it on; optionally
/// with the reading and checking on a thread of their own, one block ahead per free slot.
final class BlockReader: @unchecked Sendable {
  /// What the reader found in one block.
  private struct Outcome {
    var error: (any Error)?
    /// The first non-finite value's index in the block, and how many there are.
    var firstBad: Int?
    var badCount = 0
  }

  private let source: any TableSource
  private let blockRows: Int
  private let blocks: Int
  private let targets: [UnsafeMutableBufferPointer<Float>]
  private var outcomes: [Outcome]
  private let lock = NSLock()
  private var stopped = false

  private init(source: any TableSource, blockRows: Int, targets: [UnsafeMutableBufferPointer<Float>]) {
    self.source = source
    self.blockRows = blockRows
    self.blocks = targets.count
    self.targets = targets
    outcomes = Array(repeating: Outcome(), count: targets.count)
  }

  private func range(_ k: Int) -> Range<Int> { (k * blockRows)..<min(source.info.rows, (k + 1) * blockRows) }

  private func read(_ k: Int) -> Outcome {
    do {
      try source.readRows(range(k), into: targets[k])
    } catch {
      return Outcome(error: error)
    }
    return Outcome()
  }

  /// The finiteness check, on the caller's thread: it overlaps the reader's next read, and the
  /// block is in cache for `body` right after. Vectorised in CKernels (AVX2 where available).
  private func check(_ k: Int, _ outcome: inout Outcome) {
    let values = targets[k]
    let bad = ck_first_nonfinite(values.baseAddress!, values.count)
    guard bad >= 0 else { return }
    outcome.firstBad = bad
    outcome.badCount = NonFiniteScan.count(in: UnsafeBufferPointer(values))
  }

  private var isStopped: Bool {
    lock.lock()
    defer { lock.unlock() }
    return stopped
  }

  private func stop() {
    lock.lock()
    stopped = true
    lock.unlock()
  }

  /// Reads every block, in order, into `place(rows, slot)`, and hands each checked block to `body`.
  /// `slots` bounds how many blocks are in flight (each slot's buffer is reused every `slots` blocks).
  static func run(
    source: any TableSource, blockRows: Int, readAhead: Bool, slots: Int,
    place: (Range<Int>, Int) -> UnsafeMutableBufferPointer<Float>, body: (RowBlock) throws -> Void
  ) throws {
    let info = source.info
    let blocks = (info.rows + blockRows - 1) / blockRows
    let inFlight = max(1, min(slots, blocks, readAhead ? slots : 1))
    let targets = (0..<blocks).map { k in
      place((k * blockRows)..<min(info.rows, (k + 1) * blockRows), k % inFlight)
    }
    let reader = BlockReader(source: source, blockRows: blockRows, targets: targets)

    var firstBad: (row: Int, column: Int)?
    var badCount = 0
    func consume(_ k: Int, _ outcome: Outcome) throws {
      // A block boundary: SIGINT/SIGTERM stops the pass here (the reader is released below).
      try Cancellation.check()
      if let error = outcome.error { throw error }
      var outcome = outcome
      reader.check(k, &outcome)
      let rows = reader.range(k)
      if let bad = outcome.firstBad {
        if firstBad == nil { firstBad = (rows.lowerBound + bad / info.dim, bad % info.dim) }
        badCount += outcome.badCount
      }
      if firstBad == nil {
        try body(RowBlock(firstRow: rows.lowerBound, rowCount: rows.count, dim: info.dim, values: UnsafeBufferPointer(targets[k])))
      }
    }

    if !readAhead || blocks < 2 {
      for k in 0..<blocks { try consume(k, reader.read(k)) }
    } else {
      try reader.pipelined(inFlight: inFlight, consume)
    }
    if let firstBad {
      throw EmbCompressError.nonFiniteValues(
        path: info.path, row: firstBad.row, column: firstBad.column, count: badCount)
    }
  }

  /// Block k goes to slot k % inFlight. `free` counts the slots the reader thread may fill,
  /// `filled` the blocks the caller may take; the reader writes `outcomes[k]` before it signals.
  private func pipelined(inFlight: Int, _ consume: (Int, Outcome) throws -> Void) throws {
    // libdispatch traps when a semaphore is released holding less than its initial value, which
    // `free` would after an early exit; so it starts at 0 and is raised to `inFlight` by hand.
    let free = DispatchSemaphore(value: 0)
    for _ in 0..<inFlight { free.signal() }
    let filled = DispatchSemaphore(value: 0)
    let finished = DispatchSemaphore(value: 0)
    // The thread holds no reference of its own: this call waits for it below, and so the source
    // is never released (and, for HDF5, closed) on the reader thread, whatever holds it last.
    let unmanaged = Unmanaged.passUnretained(self)
    let thread = Thread {
      do {
        let reader = unmanaged.takeUnretainedValue()
        for k in 0..<reader.blocks {
          free.wait()
          if reader.isStopped { break }
          let outcome = reader.read(k)
          reader.lock.lock()
          reader.outcomes[k] = outcome
          reader.lock.unlock()
          filled.signal()
        }
      }
      finished.signal()
    }
    thread.stackSize = 8 << 20
    thread.start()
    defer {
      // Release the reader wherever it waits, then wait for it to leave.
      stop()
      free.signal()
      finished.wait()
    }
    for k in 0..<blocks {
      filled.wait()
      lock.lock()
      let outcome = outcomes[k]
      lock.unlock()
      try consume(k, outcome)
      free.signal()
    }
  }
}

/// Keeps one freed block buffer for the next pass, so that a pass does not start by faulting in
/// fresh pages (costly on VMs that hand freed memory back to the host; docs/performance.md).
enum BlockBufferPool {
  /// Larger buffers are not kept.
  static let largestKept = 64 << 20
  private static let lock = NSLock()
  nonisolated(unsafe) private static var spare: UnsafeMutableBufferPointer<Float>?

  static func take(count: Int) -> UnsafeMutableBufferPointer<Float> {
    lock.lock()
    defer { lock.unlock() }
    // The spare may be larger than asked for; callers use the first `count` values.
    if let buffer = spare, buffer.count >= count {
      spare = nil
      return buffer
    }
    return .allocate(capacity: count)
  }

  static func give(_ buffer: UnsafeMutableBufferPointer<Float>) {
    lock.lock()
    defer { lock.unlock() }
    if buffer.count * MemoryLayout<Float>.stride <= largestKept, (spare?.count ?? 0) < buffer.count {
      spare?.deallocate()
      spare = buffer
    } else {
      buffer.deallocate()
    }
  }
}
