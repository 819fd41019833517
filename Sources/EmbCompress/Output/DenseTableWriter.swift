/// Writes a dense float32 table of known shape, one block of rows at a time, into an
/// `AtomicOutput`'s temporary file; the caller commits the output once `finish()` succeeds.
protocol DenseTableWriter {
  /// Appends rows, row-major; a whole number of rows, and no more than the shape announced.
  func append(_ rows: UnsafeBufferPointer<Float>) throws
  /// Completes the file (closes what needs closing); no append may follow.
  func finish() throws
}

extension OutputTableFormat {
  /// A writer of this format for a `rows × dim` table, writing into `output`.
  func writer(into output: AtomicOutput, rows: Int, dim: Int) throws -> any DenseTableWriter {
    switch self {
    case .raw: RawTableWriter(output: output)
    case .npy: try NpyTableWriter(output: output, rows: rows, dim: dim)
    case .hdf5: try HDF5TableWriter(output: output, rows: rows, dim: dim)
    }
  }
}
