import EmbCompress
import FuzzerEntry

/// Any bytes as the start of a .npy file: the header parser must answer or throw, never trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNpyHeader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = UnsafeRawBufferPointer(start: data, count: size)
  if let header = try? NpyHeader(bytes: bytes, path: "fuzz.npy") {
    _ = header.element
    _ = header.shape.count
  }
  return 0
}
