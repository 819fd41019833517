import EmbCompress
import Foundation
import FuzzerEntry

#if canImport(Glibc)
  import Glibc
#endif

/// Any bytes as an HDF5 file, through what the child reader (`HDF5ChildServer`) runs: the
/// listing behind `--all-tables`, opening each table (the storage checks), reading its first
/// and last rows, and reading `/counts` as HDF5 counts.
///
/// libhdf5 1.10.8 itself crashes on some malformed files; embcompress contains that by running
/// this code in a child process. The fuzzer does the same: scripts/fuzz runs this target in
/// libFuzzer's fork mode (`-fork=1 -ignore_crashes=1`), so each input runs in a worker process
/// and a crash is saved as an artifact while fuzzing goes on. scripts/fuzz then replays every
/// artifact through the built embcompress: one line and exit 65 means the child contained a
/// crash inside libhdf5; anything else (or a crash whose stack top is in EmbCompress) is ours.
///
/// libhdf5 is not instrumented, so coverage counts only embcompress's own code.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHDF5(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let path = fuzzPath
  guard let file = fopen(path, "wb") else { return 0 }
  fwrite(data, 1, size, file)
  fclose(file)
  let names = (try? TableCatalog.names(in: path, format: .hdf5)) ?? []
  for name in names.prefix(4) {
    guard let table = try? HDF5TableSource(path: path, name: name) else { continue }
    let rows = table.info.rows
    let dim = table.info.dim
    // First and last block: whole tables may be large (a compressed chunk decodes to up to
    // 2048 times its stored size), and the blocks at the ends are where the edges are.
    let block = min(rows, max(1, 4096 / max(dim, 1)))
    var buffer = [Float](repeating: 0, count: block * dim)
    for first in rows > block ? [0, rows - block] : [0] {
      _ = try? buffer.withUnsafeMutableBufferPointer { try table.readRows(first..<(first + block), into: $0) }
    }
  }
  _ = try? IdCounts(path: path, dataset: "/counts", rows: 16)
  return 0
}

/// Where each input is written for libhdf5, which opens files by name: one per process (fork
/// mode runs several), in memory (`/dev/shm`) when it is there. scripts/fuzz removes those a
/// crashed worker left.
private let fuzzPath: String = {
  let folder = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
  let path = "\(folder)/embcompress-fuzz-hdf5-\(getpid()).h5"
  atexit { unlink(fuzzPath) }
  return path
}()
