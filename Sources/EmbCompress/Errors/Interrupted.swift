/// The run was asked to stop by SIGINT or SIGTERM (see `Cancellation`).
///
/// Thrown at the next block boundary after the signal; the files being written are removed as
/// the error unwinds, and the CLI exits 128 + `signal`, as shells expect.
public struct Interrupted: Error, Equatable, Sendable {
  public let signal: Int32

  public init(signal: Int32) { self.signal = signal }
}
