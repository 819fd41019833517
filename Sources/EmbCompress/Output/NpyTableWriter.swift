/// Writes a NumPy `.npy` file, format version 1.0, dtype `<f4`, C order.
///
/// The header is the dict numpy itself writes, padded with spaces and a newline so the data
/// starts on a 64-byte boundary, as numpy ≥ 1.14 aligns it:
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (rows, dim), }`.
struct NpyTableWriter: DenseTableWriter {
  let output: AtomicOutput

  init(output: AtomicOutput, rows: Int, dim: Int) throws {
    self.output = output
    try Self.header(rows: rows, dim: dim).withUnsafeBytes { try output.write($0) }
  }

  /// The complete header: magic, version 1.0, the 2-byte little-endian length, the dict.
  static func header(rows: Int, dim: Int) -> [UInt8] {
    var dict = Array("{'descr': '<f4', 'fortran_order': False, 'shape': (\(rows), \(dim)), }".utf8)
    let prefix = 10  // magic (6), version (2), header length (2)
    let total = prefix + dict.count + 1  // + the closing newline
    dict += [UInt8](repeating: 0x20, count: (64 - total % 64) % 64)
    dict.append(0x0A)
    // Two integers of at most 19 digits keep the dict far below version 1.0's 65535-byte limit.
    let length = UInt16(dict.count)
    return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + dict
  }

  func append(_ rows: UnsafeBufferPointer<Float>) throws {
    try LittleEndianFloats.write(rows, to: output)
  }

  func finish() throws {}
}
