import CHDF5

#if canImport(Glibc)
  import Glibc
#endif

/// Process-wide HDF5 set-up, and turning HDF5's error stack into our one-line messages.
enum HDF5Library {
  /// HDF5 prints its error stack to stderr by default; we print one line of our own instead.
  /// Call before using libhdf5 on any thread.
  static func prepare() { silenceThisThread() }

  /// HDF5's automatic error printing is per thread in thread-safe builds: every thread that
  /// calls libhdf5 (the read-ahead thread, say) silences it for itself, once.
  static func silenceThisThread() {
    if !silencedHere {
      chdf5_silence_errors()
      silencedHere = true
    }
  }

  nonisolated(unsafe) private static var threadKey: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key, nil)
    return key
  }()

  private static var silencedHere: Bool {
    get { pthread_getspecific(threadKey) != nil }
    set { pthread_setspecific(threadKey, newValue ? UnsafeRawPointer(bitPattern: 1) : nil) }
  }

  /// The descriptions on HDF5's current error stack, innermost last.
  static func errorStack() -> [String] {
    final class Box { var lines: [String] = [] }
    let box = Box()
    let unmanaged = Unmanaged.passRetained(box)
    defer { unmanaged.release() }
    H5Ewalk2(
      chdf5_e_default(), H5E_WALK_UPWARD,
      { _, entry, context in
        let box = Unmanaged<Box>.fromOpaque(context!).takeUnretainedValue()
        if let entry, let description = entry.pointee.desc {
          box.lines.append(String(cString: description))
        }
        return 0
      }, unmanaged.toOpaque())
    return box.lines
  }

  /// The most specific message on the error stack, or `fallback`.
  static func lastError(or fallback: String) -> String {
    // libhdf5's descriptions may quote names from the file.
    errorStack().first { !$0.isEmpty }.map(UntrustedText.escaped) ?? fallback
  }
}
