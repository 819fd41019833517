import ArgumentParser
import EmbCompress
import Foundation

extension EmbCompressCommand {
  struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Find the compositional tables a table's ids support, for a byte budget or an error target.",
      discussion: """
        Searches schemes hash, qr, gqr and crt with mult, add and concat at many sizes, looks for \
        periods in the ids (crossed features, nested levels), and prints the frontier of bytes \
        against error next to the baselines, with the convert command for its recommendation.
        Examples:
          embcompress plan in.h5 --budget 4M
          embcompress plan ids.f32 --dim 64 --target-error 0.05 --json
          embcompress plan model.safetensors --tensor embeddings.word_embeddings.weight --ratio 8 --html plan.html
          embcompress plan model.safetensors --tensor embeddings.word_embeddings.weight --ratio 16 --counts lookups.npy
        """)

    @Argument(help: "The table to plan for.")
    var input: String

    @OptionGroup(title: "Input")
    var inputOptions: InputOptions

    @OptionGroup(title: "Goal")
    var goalOptions: PlanGoalArguments

    @OptionGroup(title: "Counts (the goal then judges the weighted error)")
    var countsOptions: CountsArguments

    @Option(parsing: .unconditional, help: "Budget as a compression ratio: the input's bytes / R.")
    var ratio: String?

    @Option(help: "Seed for the fits that start from random values, and for the samples.")
    var seed: UInt64 = FitOptions().seed

    @Option(help: "Most iterations of an iterative fit.")
    var maxIterations: Int = FitOptions().maxIterations

    @Option(help: "Stop when the relative change in squared error falls below this.")
    var tolerance: Double = FitOptions().tolerance

    @Option(help: ArgumentHelp("Memory for holding the table, e.g. 4G (default: a quarter of RAM).", valueName: "bytes"))
    var memory: ByteCount?

    @Option(help: "Threads for the arithmetic (default: all cores).")
    var threads: Int = SystemResources.coreCount

    @Option(help: ArgumentHelp("Write the plan as JSON here.", valueName: "path"))
    var report: String?

    @Option(help: ArgumentHelp("Also write the plan as a self-contained HTML page with its chart.", valueName: "path"))
    var html: String?

    @Flag(help: "Print the plan JSON on stdout instead of the text summary.")
    var json = false

    @Flag(help: "Print nothing on success.")
    var quiet = false

    @Flag(help: "Replace an existing report or page.")
    var force = false

    func run() throws {
      InterruptHandler.install()
      try inputOptions.checkApplicable(to: input, subcommand: "plan")
      let request = try reportingErrors { () throws -> PlanRequest in
        let (goal, seconds) = try goalOptions.goal()
        var ratioValue: Double?
        if let ratio {
          guard let value = Double(ratio), value > 0, value.isFinite else {
            throw EmbCompressError.invalidArguments(detail: "--ratio must be a positive number, not '\(ratio)'")
          }
          ratioValue = value
        }
        if json && quiet { throw EmbCompressError.invalidArguments(detail: "--json and --quiet exclude each other") }
        if threads < 1 { throw EmbCompressError.invalidArguments(detail: "--threads must be at least 1") }
        if maxIterations < 1 { throw EmbCompressError.invalidArguments(detail: "--max-iterations must be at least 1") }
        var fit = FitOptions()
        fit.seed = seed
        fit.maxIterations = maxIterations
        fit.tolerance = tolerance
        fit.threads = threads
        if let memory { fit.memoryBudget = memory.bytes }
        let request = PlanRequest(
          input: input, inputOptions: inputOptions.openOptions, goal: goal, ratio: ratioValue, seconds: seconds, fit: fit,
          counts: countsOptions.request, reportPath: report, htmlPath: html, replaceExisting: force)
        try request.validate()
        return request
      }
      let bar = ProgressBar(mode: !quiet && ProgressBar.stderrIsTerminal ? .terminal : .off)
      let result = try reportingErrors {
        try PlanSearch.run(request) { bar.update($0) }
      }
      bar.finish()
      if json {
        print(String(decoding: try result.jsonData(), as: UTF8.self))
      } else if !quiet {
        print(PlanSummaryText.render(result, reportPath: report, htmlPath: html))
      }
    }
  }
}
