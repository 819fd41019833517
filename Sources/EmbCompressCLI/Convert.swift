import ArgumentParser
import EmbCompress
import Foundation

extension EmbCompressCommand {
  struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Fit compositional tables to a table and write the .qr checkpoint and its report.",
      discussion: """
        Examples:
          embcompress in.h5 out.qr                                  # qr, mult, 4 collisions
          embcompress model.safetensors out.qr --tensor embeddings.word_embeddings.weight --ratio 8
          embcompress ids.f32 out.qr --dim 64 --scheme gqr --partitions 3 --precision f16
        """)

    @Argument(help: "The table to compress.")
    var input: String

    @Argument(help: "The checkpoint to write (safetensors with the .qr rule in its metadata).")
    var output: String

    @OptionGroup(title: "Input")
    var inputOptions: InputOptions

    @OptionGroup(title: "Fit")
    var fitOptions: FitArguments

    @OptionGroup(title: "Compositional family")
    var family: FamilyArguments

    @OptionGroup(title: "Report")
    var reportOptions: ReportOptions

    @Flag(help: "Replace an existing output and report.")
    var force = false

    @OptionGroup(title: "Auto")
    var autoOptions: AutoArguments

    func validate() throws {
      if input == output { throw ValidationError("the output \(output) is the input; choose another output") }
    }

    func run() throws {
      try inputOptions.checkApplicable(
        to: input, subcommand: "convert", scheme: fitOptions.scheme, operation: fitOptions.operation,
        auto: autoOptions.auto)
      if autoOptions.auto || autoOptions.goalOptions.given { return try autoOptions.run(self) }
      var request = ConversionRequest(
        input: input, inputOptions: inputOptions.openOptions, output: output, reportPath: reportOptions.report,
        htmlPath: reportOptions.html, scheme: fitOptions.scheme, operation: fitOptions.operation,
        sizing: fitOptions.sizing, concatDims: fitOptions.concatDims?.values, terms: family.terms,
        projectionRank: family.project, exactRows: family.exactRows, counts: family.countsRequest,
        precision: fitOptions.precision,
        fit: fitOptions.options, replaceExisting: force)
      request.commandLine = CommandLine.arguments
      if let tables = try reportingErrors({ try inputOptions.tables(in: input) }) {
        try reportOptions.present(bundle: output, reportPath: request.reportPath) { progress in
          try Converter.run(request, tables: tables, progress: progress)
        }
        return
      }
      try reportOptions.present(reportPath: request.reportPath, htmlPath: request.htmlPath) { progress in
        try Converter.run(request, progress: progress)
      }
    }
  }
}
