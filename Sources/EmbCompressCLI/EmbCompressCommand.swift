import ArgumentParser
import EmbCompress

@main
struct EmbCompressCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "embcompress",
    abstract: "Fit compositional (quotient-remainder) tables to a trained embedding table.",
    discussion: """
      Reads a dense table (HDF5, .npy, safetensors or raw binary), fits quotient-remainder or \
      multi-partition tables to it, and writes a .qr checkpoint (safetensors) and a report; \
      reads .qr checkpoints back (inspect, expand, lookup) and measures them again (evaluate). Errors name the file and exit with \
      a sysexits code (64 usage, 65 data, 66 no input, 73 cannot create, 74 I/O).
      """,
    version: "0.1.0",
    subcommands: [Convert.self, Evaluate.self, Info.self, Inspect.self, Expand.self, Lookup.self, HDF5Serve.self],
    defaultSubcommand: Convert.self
  )
}
