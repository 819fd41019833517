/// Writes a file so that it either appears whole or not at all: a temporary file in the same
/// folder, fsync, then rename over the target. `AtomicOutput` does the work; this is the
/// one-call form for bytes already in memory.
public enum AtomicFile {
  /// Writes `bytes` to `path`. Without `replacing`, an existing `path` is left alone and the
  /// write fails. On any failure nothing is left behind: no `path`, no temporary file.
  public static func write(_ bytes: [UInt8], to path: String, replacing: Bool) throws {
    let output = try AtomicOutput(path: path, replacing: replacing)
    try bytes.withUnsafeBytes { try output.write($0) }
    try output.commit()
  }
}
