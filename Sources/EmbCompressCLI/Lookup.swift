import ArgumentParser
import EmbCompress
import Foundation

extension EmbCompressCommand {
  struct Lookup: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print the rebuilt rows of some ids from a .qr checkpoint.",
      discussion: """
        Each id must lie in 0..<rows; one outside it is a usage error (exit 64) naming it. Ids \
        may also come from a file (or - for standard input) with --ids-from, after those given as \
        arguments.
        """)

    @Argument(help: "The .qr checkpoint.")
    var checkpoint: String

    @Option(help: ArgumentHelp("The table to read, in a .qr holding several.", valueName: "name"))
    var table: String?

    // Whole numbers, negative ones too, never get here: main takes them out of the command line
    // (`PositionalIDs`) and sets them after parsing. What is left (`1.5`) gets argument-parser's
    // "invalid value" message, and `--help` after the ids still asks for help.
    @Argument(help: ArgumentHelp("The ids (rows) to rebuild, in the order to print them.", valueName: "id"))
    var ids: [Int] = []

    @Option(help: ArgumentHelp("Read more ids from a file (- for standard input), separated by spaces, commas or newlines.", valueName: "file"))
    var idsFrom: String?

    @Flag(help: "Print JSON instead of text.")
    var json = false

    // Not in validate(): that runs while parsing, before main has set the ids.
    private func checkGiven() throws {
      if ids.isEmpty && idsFrom == nil { throw UsageError("give at least one id, or --ids-from FILE", hint: UsageError.helpHint("lookup")) }
    }

    /// The ids on the command line, then those in `--ids-from`, parsed in one linear pass.
    private func allIDs() throws -> [Int] {
      guard let idsFrom else { return ids }
      let data: Data
      if idsFrom == "-" {
        data = FileHandle.standardInput.readDataToEndOfFile()
      } else {
        guard let read = FileManager.default.contents(atPath: idsFrom) else {
          throw EmbCompressError.fileNotFound(path: idsFrom)
        }
        data = read
      }
      var result = ids
      result.reserveCapacity(ids.count + data.count / 2)
      var current = 0
      var negative = false
      var digits = 0
      func finish() throws {
        guard digits > 0 else {
          if negative { throw EmbCompressError.invalidOption(path: idsFrom, detail: "'-' is not an id") }
          return
        }
        result.append(negative ? -current : current)
        (current, negative, digits) = (0, false, 0)
      }
      for byte in data {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
          let (times, o1) = current.multipliedReportingOverflow(by: 10)
          let (sum, o2) = times.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
          guard !o1, !o2 else { throw EmbCompressError.invalidOption(path: idsFrom, detail: "an id is too large") }
          current = sum
          digits += 1
        case UInt8(ascii: "-") where digits == 0 && !negative: negative = true
        case 0x20, 0x0A, 0x0D, 0x09, UInt8(ascii: ","): try finish()
        default:
          throw EmbCompressError.invalidOption(
            path: idsFrom, detail: "\(UntrustedText.quoted(String(decoding: [byte], as: UTF8.self))) is not part of an id")
        }
      }
      try finish()
      return result
    }

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
      try checkGiven()
      let result = try reportingErrors {
        let ids = try allIDs()
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
