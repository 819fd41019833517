import ArgumentParser
import EmbCompress
import Foundation

extension EmbCompressCommand {
  struct Lookup: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print the rebuilt rows of some ids from a .qr checkpoint.",
      discussion: "Each id must lie in 0..<rows; one outside it is a usage error (exit 64) naming it.")

    @Argument(help: "The .qr checkpoint.")
    var checkpoint: String

    @Option(help: ArgumentHelp("The table to read, in a .qr holding several.", valueName: "name"))
    var table: String?

    // allUnrecognized, so a negative id reaches the range check (and its message) instead of
    // being taken for an unknown option.
    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The ids (rows) to rebuild, in the order to print them.", valueName: "id"))
    var ids: [Int]

    @Flag(help: "Print JSON instead of text.")
    var json = false

    /// The `--json` output.
    struct Result: Encodable {
      struct Row: Encodable {
        var id: Int
        var embedding: [Float]
      }

      var path: String
      var dim: Int
      var embeddings: [Row]
    }

    func run() throws {
      let result = try reportingErrors {
        let table = try CompressedTable(contentsOf: checkpoint, table: self.table)
        var values = [Float](repeating: 0, count: ids.count * table.dim)
        try values.withUnsafeMutableBufferPointer { try table.embeddings(of: ids, into: $0) }
        let rows = ids.enumerated().map { index, id in
          Result.Row(id: id, embedding: Array(values[(index * table.dim)..<((index + 1) * table.dim)]))
        }
        return Result(path: checkpoint, dim: table.dim, embeddings: rows)
      }
      if json {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(result), as: UTF8.self))
      } else {
        // Floats print in their shortest form that reads back exactly.
        print(TextTable.lines(result.embeddings.map { (String($0.id), $0.embedding.map { "\($0)" }.joined(separator: " ")) }))
      }
    }
  }
}
