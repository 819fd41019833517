import EmbCompress
import FuzzerEntry

/// Any bytes as a safetensors file: header length, JSON, offsets and shapes are all hostile.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafetensorsHeader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = UnsafeRawBufferPointer(start: data, count: size)
  if let header = try? SafetensorsHeader(bytes: bytes, path: "fuzz.safetensors") {
    // Everything the header promises must be addressable.
    for tensor in header.tensors {
      precondition(header.dataOffset + tensor.span.upperBound <= size)
    }
  }
  return 0
}
