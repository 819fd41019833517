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

    @Option(help: ArgumentHelp("Where to write the JSON report.", valueName: "path"))
    var report: String?

    @Option(help: ArgumentHelp("Also write the report as a self-contained HTML page.", valueName: "path"))
    var html: String?

    @Flag(help: "Print the report JSON on stdout instead of the text summary.")
    var json = false

    @Flag(help: "Print nothing on success.")
    var quiet = false

    @Flag(help: "Replace an existing output and report.")
    var force = false

    func validate() throws {
      if input == output { throw ValidationError("the output \(output) is the input; choose another output") }
      if json && quiet { throw ValidationError("--json and --quiet exclude each other") }
    }

    func run() throws {
      InterruptHandler.install()
      let request = ConversionRequest(
        input: input, inputOptions: inputOptions.openOptions, output: output, reportPath: report, htmlPath: html,
        scheme: fitOptions.scheme, operation: fitOptions.operation, sizing: fitOptions.sizing,
        concatDims: fitOptions.concatDims?.values, precision: fitOptions.precision, fit: fitOptions.options,
        replaceExisting: force)
      let bar = ProgressBar(enabled: !quiet && ProgressBar.stderrIsTerminal)
      let result = try reportingErrors {
        try Converter.run(request) { bar.update(phase: $0.phase, done: $0.rowsDone, total: $0.rowsTotal) }
      }
      bar.finish()
      if json {
        print(String(decoding: try result.jsonData(), as: UTF8.self))
      } else if !quiet {
        print(ReportSummary.render(result, reportPath: request.reportPath, htmlPath: request.htmlPath))
      }
    }
  }
}
