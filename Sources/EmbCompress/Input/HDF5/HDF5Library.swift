import CHDF5

/// Process-wide HDF5 set-up, and turning HDF5's error stack into our one-line messages.
enum HDF5Library {
  /// HDF5 prints its error stack to stderr by default; we print one line of our own instead.
  private static let silenced: Void = chdf5_silence_errors()

  static func prepare() { _ = silenced }

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
    errorStack().first { !$0.isEmpty } ?? fallback
  }
}
