import ArgumentParser
import EmbCompress
import Foundation

extension EmbCompressCommand {
  struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Check a .qr checkpoint and describe it: layout, precision, sizes, source, error.",
      discussion: """
        Loading checks the whole file — structure, metadata, partitions against tensors, the \
        layout's promise that every id has its own buckets, the sha256 of the data and that no \
        value is NaN or ±Inf — so a description printed is a checkpoint verified.
        """)

    @Argument(help: "The .qr checkpoint.")
    var checkpoint: String

    @Option(help: ArgumentHelp("The table to read, in a .qr holding several.", valueName: "name"))
    var table: String?

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() throws {
      let summary = try reportingErrors { CheckpointSummary(try CompressedTable(contentsOf: checkpoint, table: self.table)) }
      if json {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(summary), as: UTF8.self))
      } else {
        print(summary.text)
      }
    }
  }
}
