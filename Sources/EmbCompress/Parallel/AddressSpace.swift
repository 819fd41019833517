#if canImport(Glibc)
  import Glibc
#endif

/// Checks, before a fit, that an address-space limit (`ulimit -v`) leaves room for OpenBLAS.
///
/// OpenBLAS takes a 128 MiB work buffer per calling thread on its first call (BUFFER_SIZE in
/// its build), and when that allocation fails it retries forever, ignoring SIGTERM's flag
/// since the fit never reaches a block boundary. Probing for the room first turns that into
/// one line and exit 71 (EX_OSERR).
public enum AddressSpace {
  /// OpenBLAS's buffer plus its guard pages, per thread that calls BLAS.
  static let blasBufferBytes = (128 << 20) + (4 << 20)
  /// Room for everything else a run maps besides the fit's own budget (stacks, libraries' heaps).
  static let slackBytes = 64 << 20

  /// - Throws: `.resourceLimit` when the limit leaves less than `threads` BLAS buffers.
  public static func checkBLASHeadroom(threads: Int) throws {
    var limit = rlimit()
    guard getrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { return }
    let needed = max(1, threads) * blasBufferBytes + slackBytes
    // A reservation without access or backing: it counts against RLIMIT_AS and nothing else.
    let probe = mmap(nil, needed, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
    if let probe, probe != MAP_FAILED {
      munmap(probe, needed)
      return
    }
    throw EmbCompressError.resourceLimit(
      detail: "the address-space limit (ulimit -v \(limit.rlim_cur / 1024)) leaves less than the \(needed >> 20) MiB OpenBLAS needs for \(max(1, threads)) thread\(threads == 1 ? "" : "s"); raise the limit or pass --threads 1")
  }
}
