/// Writes headerless little-endian float32, row-major.
struct RawTableWriter: DenseTableWriter {
  let output: AtomicOutput

  func append(_ rows: UnsafeBufferPointer<Float>) throws {
    try LittleEndianFloats.write(rows, to: output)
  }

  func finish() throws {}
}
