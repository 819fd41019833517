import ArgumentParser
import EmbCompress
import Foundation

extension EmbCompressCommand {
  struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Describe a table: format, dataset, shape, stored type, size and row norms.")

    @Argument(help: "The table file.")
    var input: String

    @OptionGroup var inputOptions: InputOptions

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() throws {
      try inputOptions.checkApplicable(to: input, subcommand: "info")
      let summary = try reportingErrors {
        try TableSummary(measuring: openTable(input, options: inputOptions.openOptions))
      }
      if json {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(summary), as: UTF8.self))
      } else {
        print(TextTable.render(summary))
      }
    }
  }
}
