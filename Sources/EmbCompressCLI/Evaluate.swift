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

    @OptionGroup(title: "Report")
    var reportOptions: ReportOptions

    @Option(help: "Seed of the neighbour check's sample.")
    var seed: UInt64 = EvaluationOptions().seed

    @Option(help: "Threads for the arithmetic (default: all cores); the report is the same for any count.")
    var threads: Int = SystemResources.coreCount

    @Option(help: ArgumentHelp("Memory the baselines may hold, e.g. 512M or 4G (default: a quarter of RAM).", valueName: "bytes"))
    var memory: ByteCount?

    @Option(help: ArgumentHelp("Lookup counts, one per id (.npy 1-D or text): adds the report's weighted section.", valueName: "file")) var counts: String?

    @Flag(help: "Replace an existing report.")
    var force = false

    func validate() throws {
      if threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
      var options = EvaluationOptions(seed: seed, threads: threads)
      if let memory { options.memoryBudget = memory.bytes }
      try inputOptions.checkApplicable(to: input, subcommand: "evaluate")
      var request = EvaluationRequest(
        input: input, inputOptions: inputOptions.openOptions, checkpoint: checkpoint, reportPath: reportOptions.report,
        htmlPath: reportOptions.html, options: options, counts: counts.map { CountsRequest(path: $0) }, replaceExisting: force)
      request.commandLine = CommandLine.arguments
      try reportOptions.present(reportPath: request.reportPath, htmlPath: request.htmlPath) { progress in
        try CheckpointEvaluator.run(request, progress: progress)
      }
    }
  }
}
