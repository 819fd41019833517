/// A checkpoint written to its temporary file on another thread while the report is measured:
/// the data's digest from as soon as the tables are final, the file from as soon as the error its
/// header records is known (before the neighbour check). `written()` waits for it.
///
///     let staging = CheckpointStaging(path: "out.qr", replacing: false)
///     staging.hashData(of: checkpoint)       // tables final, error not yet known
///     staging.write(measuredCheckpoint)      // error known
///     files.add(written: try staging.written().output)
final class CheckpointStaging: @unchecked Sendable {
  let path: String
  let replacing: Bool
  private var digest: BackgroundValue<String>?
  private var file: BackgroundValue<Result<Written, any Error>>?

  /// The written temporary file and the size the file will have.
  struct Written {
    let output: AtomicOutput
    let fileBytes: Int
  }

  init(path: String, replacing: Bool) {
    self.path = path
    self.replacing = replacing
  }

  /// Starts hashing the data section of `checkpoint` (its error may still be a placeholder).
  func hashData(of checkpoint: Checkpoint) {
    digest = BackgroundValue { checkpoint.dataDigest() }
  }

  /// Starts writing `checkpoint`, its error final, to a temporary file next to `path`.
  func write(_ checkpoint: Checkpoint) {
    let digest = self.digest
    let (path, replacing) = (self.path, self.replacing)
    file = BackgroundValue {
      Result {
        let header = checkpoint.encodedHeader(digest: digest?.value ?? checkpoint.dataDigest())
        let output = try AtomicOutput(path: path, replacing: replacing)
        try checkpoint.write(header: header, to: output)
        return Written(output: output, fileBytes: header.count + checkpoint.tensorBytes)
      }
    }
  }

  /// The written file, once done; rethrows what writing it threw (a full disk, an interruption).
  func written() throws -> Written {
    guard let file else { preconditionFailure("write(_:) was not called") }
    return try file.value.get()
  }
}
