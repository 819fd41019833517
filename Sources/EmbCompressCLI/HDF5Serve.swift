import ArgumentParser
import EmbCompress
import Foundation

extension EmbCompressCommand {
  /// The hidden child-process side of HDF5 reading (`HDF5ChildServer`): the binary re-runs
  /// itself with this subcommand so that libhdf5 parses untrusted files in a process of its own,
  /// for tables, for listing them and for HDF5 counts.
  struct HDF5Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "__hdf5-serve", abstract: "Internal: read an HDF5 table for the parent process.",
      shouldDisplay: false)

    @Argument var request: HDF5ChildServer.Request
    @Argument var input: String
    @Argument var shared: String
    @Option var dataset: String?
    @Flag var allowExternal = false

    func run() throws {
      HDF5ChildServer.serve(request, path: input, sharedPath: shared, name: dataset, allowExternal: allowExternal)
    }

    /// The command line that starts this subcommand: this very binary (by /proc/self/exe, so a
    /// relative or PATH invocation works too). `EMBCOMPRESS_HDF5_CHILD=0` reads in-process
    /// instead, for tables, listings and counts alike; scripts/bench-hdf5-child uses it to
    /// measure what the child costs.
    static var helper: [String]? {
      if ProcessInfo.processInfo.environment["EMBCOMPRESS_HDF5_CHILD"] == "0" { return nil }
      var buffer = [CChar](repeating: 0, count: 4096)
      let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
      guard length > 0 else { return nil }
      return [String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self), "__hdf5-serve"]
    }
  }
}

extension HDF5ChildServer.Request: ExpressibleByArgument {}
