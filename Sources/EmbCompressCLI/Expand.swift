import ArgumentParser
import EmbCompress

#if canImport(Glibc)
  import Glibc
#endif

extension EmbCompressCommand {
  struct Expand: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Rebuild the dense table from a .qr checkpoint and write it as float32.",
      discussion: """
        The rows are rebuilt by the checkpoint's rule and streamed to TABLE in blocks, so the \
        dense table never has to fit in memory. TABLE appears whole or not at all: it is \
        written to a temporary file in the same folder, fsynced and renamed into place. HDF5 \
        output holds the dataset /embeddings; .npy output is version 1.0, <f4; raw output is \
        little-endian float32, row-major, no header.
        """)

    @Argument(help: "The .qr checkpoint.")
    var checkpoint: String

    @Option(help: ArgumentHelp("The table to read, in a .qr holding several.", valueName: "name"))
    var table: String?

    @Argument(help: ArgumentHelp("The table to write: .h5/.hdf5, .npy, or raw .f32/.bin/.raw.", valueName: "table"))
    var output: String

    @Option(help: ArgumentHelp("Only rows a up to (not including) b; either end may be left out.", valueName: "a:b"))
    var rows: RowRange?

    @Option(help: ArgumentHelp("Output format, instead of the one TABLE's extension implies.", valueName: "h5|npy|raw"))
    var format: OutputTableFormat?

    @Flag(help: "Replace TABLE if it already exists.")
    var force = false

    func validate() throws {
      if format == nil && OutputTableFormat(path: output) == nil {
        throw ValidationError("cannot tell the output format from '\(output)'; name it .h5, .npy, .f32, .bin or .raw, or pass --format h5|npy|raw")
      }
    }

    func run() throws {
      InterruptHandler.install()
      let written = try reportingErrors {
        // Checked before the work, so a long expansion is not wasted; the final link checks again.
        try OutputPathCheck.check(output: output, input: checkpoint, replacing: force)
        let table = try CompressedTable(contentsOf: checkpoint, table: self.table)
        let range = try rows?.resolve(rows: table.rows, path: checkpoint) ?? 0..<table.rows
        let chosen = format ?? OutputTableFormat(path: output)!
        try table.expand(rows: range, to: output, format: chosen, replacing: force)
        return (range, table.dim, chosen)
      }
      print("\(output): rows \(written.0.lowerBound)..<\(written.0.upperBound) (\(TextTable.grouped(written.0.count)) × \(written.1) float32, \(written.2.rawValue))")
    }
  }
}

extension OutputTableFormat: ExpressibleByArgument {
  public init?(argument: String) { self.init(name: argument) }
  public static var allValueStrings: [String] { ["h5", "npy", "raw"] }
}
