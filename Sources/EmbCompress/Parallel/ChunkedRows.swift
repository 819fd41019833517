import Dispatch

/// Splits a block's rows into fixed-size chunks and runs them on all cores.
///
/// The chunking depends only on the row count, never on the thread count, so per-chunk results
/// merged in chunk order are the same bits however many threads ran them.
///
///     let sums = ChunkedRows.map(rows: block.rows) { range in range.reduce(0, +) }
public enum ChunkedRows {
  public static let chunkRows = 2048

  /// `body` applied to each chunk of `rows`, in parallel; the results in chunk order. Work whose
  /// rows are few but dear (a thousand queries, say) takes smaller chunks, `chunkRows`.
  public static func map<T>(
    rows: Range<Int>, threads: Int = SystemResources.coreCount, chunkRows: Int = ChunkedRows.chunkRows,
    _ body: (Range<Int>) -> T
  ) -> [T] {
    let chunks = stride(from: rows.lowerBound, to: rows.upperBound, by: chunkRows).map {
      $0..<min(rows.upperBound, $0 + chunkRows)
    }
    guard threads > 1, chunks.count > 1 else { return chunks.map(body) }
    var results = [T?](repeating: nil, count: chunks.count)
    results.withUnsafeMutableBufferPointer { buffer in
      let shared = UncheckedSendable(buffer)
      withoutActuallyEscaping(body) { body in
        let work = UncheckedSendable(body)
        let next = AtomicCounter()
        DispatchQueue.concurrentPerform(iterations: min(threads, chunks.count)) { _ in
          while true {
            let index = next.increment()
            guard index < chunks.count else { return }
            shared.value[index] = work.value(chunks[index])
          }
        }
      }
    }
    return results.map { $0! }
  }
}
