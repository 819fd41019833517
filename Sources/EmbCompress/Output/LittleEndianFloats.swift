/// Float32 values as little-endian bytes, the layout of the raw and `.npy` outputs.
enum LittleEndianFloats {
  static func write(_ values: UnsafeBufferPointer<Float>, to output: AtomicOutput) throws {
    #if _endian(little)
      // The memory already is the file's layout.
      try output.write(UnsafeRawBufferPointer(values))
    #else
      let swapped = values.map { $0.bitPattern.littleEndian }
      try swapped.withUnsafeBytes { try output.write($0) }
    #endif
  }
}
