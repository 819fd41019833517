import EmbCompress
import FuzzerEntry

/// Random raw options against a random file size: the row arithmetic must never overflow.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRawLayout(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  guard size >= 33 else { return 0 }
  let bytes = UnsafeRawBufferPointer(start: data, count: size)
  func int(_ at: Int) -> Int { Int(truncatingIfNeeded: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
  let flags = bytes[32]
  let layout = RawLayout(
    dim: flags & 1 == 0 ? int(0) : nil,
    elementType: ElementType.allCases[Int(flags >> 1) % ElementType.allCases.count],
    byteOrder: flags & 8 == 0 ? .little : .big,
    offset: int(8),
    rows: flags & 16 == 0 ? int(16) : nil)
  let fileSize = int(24) & Int.max
  if let rows = try? layout.rows(fileSize: fileSize, path: "fuzz.raw") {
    precondition(rows > 0)
    precondition(rows <= (fileSize - layout.offset) / (layout.dim! * layout.elementType.byteSize))
  }
  return 0
}
