import ArgumentParser
import EmbCompress
import Foundation

extension EmbCompressCommand {
  struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Measure a .qr checkpoint against a table and write the same report a conversion does.",
      discussion: """
        For a checkpoint made earlier or elsewhere: the error of the rebuilt table against every \
        row of the input table, its baselines of the same size, the neighbour check, the worst \
        rows and the error histogram. The report's fit section is null, since nothing is fitted. \
        The input must have the checkpoint's rows and dim (otherwise exit 65).

        Examples:
          embcompress evaluate in.h5 out.qr --report again.json
          embcompress evaluate model.safetensors out.qr --tensor embeddings.word_embeddings.weight --html out.html
        """)

    @Argument(help: "The table the checkpoint approximates.")
    var input: String

    @Argument(help: "The .qr checkpoint.")
    var checkpoint: String

    @OptionGroup(title: "Input")
    var inputOptions: InputOptions

    @Option(help: ArgumentHelp("Where to write the JSON report (default: CHECKPOINT.report.json).", valueName: "path"))
    var report: String?

    @Option(help: ArgumentHelp("Also write the report as a self-contained HTML page.", valueName: "path"))
    var html: String?

    @Option(help: "Seed of the neighbour check's sample.")
    var seed: UInt64 = EvaluationOptions().seed

    @Option(help: "Threads for the arithmetic (default: all cores); the report is the same for any count.")
    var threads: Int = SystemResources.coreCount

    @Option(help: ArgumentHelp("Memory the baselines may hold, e.g. 512M or 4G (default: a quarter of RAM).", valueName: "bytes"))
    var memory: ByteCount?

    @Flag(help: "Print the report JSON on stdout instead of the text summary.")
    var json = false

    @Flag(help: "Print nothing on success.")
    var quiet = false

    @Flag(help: "Replace an existing report.")
    var force = false

    func validate() throws {
      if json && quiet { throw ValidationError("--json and --quiet exclude each other") }
      if threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
      InterruptHandler.install()
      var options = EvaluationOptions(seed: seed, threads: threads)
      if let memory { options.memoryBudget = memory.bytes }
      let request = EvaluationRequest(
        input: input, inputOptions: inputOptions.openOptions, checkpoint: checkpoint, reportPath: report, htmlPath: html,
        options: options, replaceExisting: force)
      let bar = ProgressBar(enabled: !quiet && ProgressBar.stderrIsTerminal)
      let result = try reportingErrors {
        try CheckpointEvaluator.run(request) { bar.update(phase: $0.phase, done: $0.rowsDone, total: $0.rowsTotal) }
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
