/// Hands a fit every row of the table, pass after pass, in blocks of whole units (grid rows).
///
/// With `keepInMemory`, the first pass copies the table as it streams and later passes read that
/// copy; otherwise every pass streams from the source. Blocks always start at a multiple of
/// `unitRows` and hold whole units (but the table's last, which may be short): when the source's
/// blocks cut a unit, the rows are staged in a buffer first.
final class RowPasses {
  let source: any TableSource
  let rows: Int
  let dim: Int
  let unitRows: Int
  let maxBlockBytes: Int
  /// Read the next block on a reader thread while this one is worked on (`forEachBlock`).
  let readAhead: Bool
  private let blockRows: Int
  private let progress: (@Sendable (FitProgress) -> Void)?
  private var copy: UnsafeMutableBufferPointer<Float>?
  private var copyComplete = false

  /// Passes read from the source.
  private(set) var sourcePasses = 0
  /// Passes over the rows, from the source or the copy.
  private(set) var passes = 0

  init(
    source: any TableSource, unitRows: Int, keepInMemory: Bool, maxBlockBytes: Int, readAhead: Bool = true,
    progress: (@Sendable (FitProgress) -> Void)?
  ) {
    self.source = source
    rows = source.info.rows
    dim = source.info.dim
    self.unitRows = max(1, unitRows)
    self.maxBlockBytes = maxBlockBytes
    self.readAhead = readAhead
    self.progress = progress
    blockRows = BlockSizing.rowsPerBlock(dim: dim, maxBytes: maxBlockBytes, multiple: self.unitRows)
    if keepInMemory {
      copy = .allocate(capacity: rows * dim)
    }
  }

  deinit { copy?.deallocate() }

  /// The whole table, once a pass has copied it into memory.
  var table: UnsafeBufferPointer<Float>? {
    guard copyComplete, let copy else { return nil }
    return UnsafeBufferPointer(copy)
  }

  /// One pass over every row, in id order.
  func run(phase: String, _ body: (RowBlock) throws -> Void) throws {
    passes += 1
    var reporter = ProgressReporter(pass: passes, rows: rows, phase: phase, progress: progress)
    reporter.report(0)
    func emit(_ block: RowBlock) throws {
      try body(block)
      reporter.report(block.firstRow + block.rowCount)
    }
    if let table {
      var start = 0
      while start < rows {
        // A held table is read from memory, with no block read to notice a signal at.
        try Cancellation.check()
        let end = min(rows, start + blockRows)
        try emit(RowBlock(firstRow: start, rowCount: end - start, dim: dim,
                          values: UnsafeBufferPointer(rebasing: table[(start * dim)..<(end * dim)])))
        start = end
      }
    } else if let copy {
      sourcePasses += 1
      try streamIntoCopy(copy, emit)
      copyComplete = true
    } else {
      sourcePasses += 1
      try streamStaged(emit)
    }
    reporter.finish()
  }

  /// Streams from the source into `copy`, handing on each stretch of whole units as it completes.
  private func streamIntoCopy(_ copy: UnsafeMutableBufferPointer<Float>, _ emit: (RowBlock) throws -> Void) throws {
    let (rows, dim, unit) = (self.rows, self.dim, unitRows)
    var emitted = 0
    // The reader writes each block straight into its place in the copy: no block buffer, no memcpy.
    try source.readAll(into: copy, maxBlockBytes: maxBlockBytes, readAhead: readAhead) { block in
      let end = block.firstRow + block.rowCount
      let ready = end == rows ? end : end / unit * unit
      if ready > emitted {
        try emit(RowBlock(firstRow: emitted, rowCount: ready - emitted, dim: dim,
                          values: UnsafeBufferPointer(rebasing: copy[(emitted * dim)..<(ready * dim)])))
        emitted = ready
      }
    }
  }

  /// Streams from the source, passing aligned stretches straight on and staging the rest.
  private func streamStaged(_ emit: (RowBlock) throws -> Void) throws {
    let (rows, dim, unit) = (self.rows, self.dim, unitRows)
    guard unit > 1 else {
      try source.forEachBlock(maxBlockBytes: maxBlockBytes, readAhead: readAhead, emit)
      return
    }
    let stageRows = max(unit, blockRows)
    let stage = UnsafeMutablePointer<Float>.allocate(capacity: stageRows * dim)
    defer { stage.deallocate() }
    var staged = 0
    var stageFirst = 0
    try source.forEachBlock(maxBlockBytes: maxBlockBytes, readAhead: readAhead) { block in
      var offset = 0
      while offset < block.rowCount {
        let id = block.firstRow + offset
        if staged == 0 {
          // Every stretch handed on ends on a unit boundary, so here `id` starts a unit.
          stageFirst = id
          let available = block.rowCount - offset
          let take = id + available == rows ? available : available / unit * unit
          if take > 0 {
            try emit(RowBlock(firstRow: id, rowCount: take, dim: dim,
                              values: UnsafeBufferPointer(rebasing: block.values[(offset * dim)..<((offset + take) * dim)])))
            offset += take
            continue
          }
        }
        let count = min(block.rowCount - offset, stageRows - staged)
        (stage + staged * dim).initialize(from: block.values.baseAddress! + offset * dim, count: count * dim)
        staged += count
        offset += count
        if staged == stageRows || stageFirst + staged == rows {
          try emit(RowBlock(firstRow: stageFirst, rowCount: staged, dim: dim,
                            values: UnsafeBufferPointer(start: stage, count: staged * dim)))
          staged = 0
        }
      }
    }
  }
}
