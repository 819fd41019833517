import EmbCompress
import FuzzerEntry

/// Any bytes as a .qr checkpoint. A file that loads must rebuild every row it claims, so the
/// first and last ids are rebuilt too. The sha256 check rejects most mutations early; the
/// seed corpus and dictionary help the fuzzer past it rarely, so the structural checks before
/// it are what this mainly exercises.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCompressedTable(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = UnsafeRawBufferPointer(start: data, count: size)
  if let table = try? CompressedTable(bytes: bytes, path: "fuzz.qr") {
    _ = try? table.embedding(of: 0)
    _ = try? table.embedding(of: table.rows - 1)
  }
  return 0
}
