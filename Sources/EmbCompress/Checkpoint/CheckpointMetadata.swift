/// The descriptive part of a `.qr` file's `__metadata__`: which format, where the table came from,
/// how well the stored tables fit it, and the digest of the data.
///
/// The layout keys (`rows`, `dim`, `scheme`, `operation`, `partitions`) are read into
/// `CompressedTable.layout` instead; `entries` keeps every key as stored, known or not.
///
///     let table = try CompressedTable(contentsOf: "out.qr")
///     print(table.metadata.source, table.metadata.relativeError)  // "in.h5:/emb" 0.118
public struct CheckpointMetadata: Sendable, Equatable {
  /// The `format` value; one of `Checkpoint.readableFormats` for a file that loaded.
  public var format: String
  /// The input file, then `:` and the dataset or tensor when there is one.
  public var source: String
  /// The report's relative Frobenius error of the stored tables against the input.
  public var relativeError: Double
  /// The lowercase hex SHA-256 of the data section, already checked against the data.
  public var sha256: String
  /// Every `__metadata__` entry as stored.
  public var entries: [String: String]

  public init(format: String, source: String, relativeError: Double, sha256: String, entries: [String: String]) {
    self.format = format
    self.source = source
    self.relativeError = relativeError
    self.sha256 = sha256
    self.entries = entries
  }

  /// Reads and checks the descriptive keys of `entries`; a missing or ill-typed one is
  /// `.malformed` naming `path` and the key.
  init(checking entries: [String: String], path: String) throws {
    func malformed(_ detail: String) -> EmbCompressError { .malformed(path: path, detail: detail) }

    guard !entries.isEmpty else {
      throw malformed("no __metadata__; not an embcompress .qr checkpoint (a plain safetensors file?)")
    }
    guard let format = entries["format"] else {
      throw malformed("metadata has no 'format'; not an embcompress .qr checkpoint")
    }
    guard Checkpoint.readableFormats.contains(format) else {
      // Another version of ours is worth telling apart from a file that is not ours at all.
      throw malformed(
        format.hasPrefix("embcompress.qr/")
          ? "metadata 'format' is \(UntrustedText.quoted(format)); this reader knows \(Checkpoint.readableFormats.joined(separator: " and "))"
          : "metadata 'format' is \(UntrustedText.quoted(format)), not \(Checkpoint.readableFormats.joined(separator: " or ")); not an embcompress .qr checkpoint")
    }
    guard let source = entries["source"] else { throw malformed("metadata has no 'source'") }
    guard let errorText = entries["relative_error"] else { throw malformed("metadata has no 'relative_error'") }
    guard let relativeError = Double(errorText), relativeError.isFinite, relativeError >= 0 else {
      throw malformed("metadata 'relative_error' is \(UntrustedText.quoted(errorText)), not a finite number ≥ 0")
    }
    guard let digest = entries["sha256"] else { throw malformed("metadata has no 'sha256'") }
    let hexDigits = Set("0123456789abcdef".utf8)
    guard digest.utf8.count == 64, digest.lowercased().utf8.allSatisfy(hexDigits.contains) else {
      throw malformed("metadata 'sha256' is \(UntrustedText.quoted(digest)), not 64 hex digits")
    }
    self.init(
      format: format, source: source, relativeError: relativeError, sha256: digest.lowercased(), entries: entries)
  }
}
