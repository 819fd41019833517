import ArgumentParser
import EmbCompress
import Foundation

/// `convert --auto`: plan first (as `embcompress plan`, with the goal given here or `--ratio`,
/// and `--counts` when given), then convert with the recommendation; the report records the
/// plan under `plan`.
struct AutoArguments: ParsableArguments {
  @Flag(help: "Choose scheme, operation and sizing by planning first (with --budget, --ratio or --target-error).")
  var auto = false

  @OptionGroup(title: "Auto")
  var goalOptions: PlanGoalArguments

  /// Plans, then converts with the pick. No pick with `--target-error`: exit 65 saying the best
  /// error reached. The layout options the plan chooses are refused with `--auto` by
  /// `OptionApplicability`, before this runs.
  func run(_ convert: EmbCompressCommand.Convert) throws {
    let fit = convert.fitOptions
    let counts = convert.family.countsRequest
    let (goal, seconds) = try reportingErrors { () throws -> (PlanGoal, Double?) in
      guard auto else {
        throw EmbCompressError.invalidArguments(detail: "--budget, --target-error and --seconds need --auto")
      }
      let (goal, seconds) = try goalOptions.goal()
      try PlanRequest(input: convert.input, goal: goal, ratio: fit.ratio, seconds: seconds, counts: counts).validate()
      return (goal, seconds)
    }
    let report = convert.reportOptions
    var request = ConversionRequest(
      input: convert.input, inputOptions: convert.inputOptions.openOptions, output: convert.output,
      reportPath: report.report, htmlPath: report.html, counts: counts, precision: .f32, fit: fit.options,
      replaceExisting: convert.force)
    request.commandLine = CommandLine.arguments
    // The outputs are checked before the plan, not after it: an existing OUT without --force, a
    // folder that cannot take the files, or an output that is the input is refused before the
    // user waits for a search.
    try reportingErrors { try Converter.checkOutputs(request) }

    let bar = ProgressBar(mode: report.progressMode)
    let plan = try reportingErrors {
      try PlanSearch.run(
        PlanRequest(
          input: convert.input, inputOptions: convert.inputOptions.openOptions, goal: goal, ratio: fit.ratio,
          seconds: seconds, fit: fit.options, counts: counts)
      ) { bar.update($0) }
    }
    bar.finish()
    guard let pick = plan.recommended else {
      StandardError.write("embcompress: \(convert.input): \(plan.verdict)\n")
      throw ExitCode(65)
    }
    // Everything the candidate's argv says, so the conversion is the candidate the plan measured.
    request.scheme = pick.rule.scheme
    request.operation = pick.rule.operation
    request.sizing = pick.rule.sizing
    request.terms = pick.rule.terms
    request.projectionRank = pick.rule.projectionRank
    request.plan = plan
    try report.present(reportPath: request.reportPath, htmlPath: request.htmlPath) { progress in
      try Converter.run(request, progress: progress)
    }
  }
}
