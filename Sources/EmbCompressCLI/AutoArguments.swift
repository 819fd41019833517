import ArgumentParser
import EmbCompress
import Foundation

/// `convert --auto`: plan first (as `embcompress plan`, with the goal given here or `--ratio`),
/// then convert with the recommendation; the report records the plan under `plan`.
struct AutoArguments: ParsableArguments {
  @Flag(help: "Choose scheme, operation and sizing by planning first (with --budget, --ratio or --target-error).")
  var auto = false

  @OptionGroup(title: "Auto")
  var goalOptions: PlanGoalArguments

  /// Plans, then converts with the pick. No pick with `--target-error`: exit 65 saying the best
  /// error reached.
  func run(_ convert: EmbCompressCommand.Convert) throws {
    let fit = convert.fitOptions
    let (goal, seconds) = try reportingErrors { () throws -> (PlanGoal, Double?) in
      guard auto else {
        throw EmbCompressError.invalidArguments(detail: "--budget, --target-error and --seconds need --auto")
      }
      if fit.collisions != nil || fit.moduli != nil || fit.partitions != nil {
        throw EmbCompressError.invalidArguments(
          detail: "--auto chooses the sizing; give --budget, --ratio or --target-error instead of --collisions, --moduli or --partitions")
      }
      let (goal, seconds) = try goalOptions.goal()
      try PlanRequest(input: convert.input, goal: goal, ratio: fit.ratio, seconds: seconds).validate()
      return (goal, seconds)
    }
    let report = convert.reportOptions
    let bar = ProgressBar(mode: report.progressMode)
    let plan = try reportingErrors {
      try PlanSearch.run(
        PlanRequest(
          input: convert.input, inputOptions: convert.inputOptions.openOptions, goal: goal, ratio: fit.ratio,
          seconds: seconds, fit: fit.options)
      ) { bar.update($0) }
    }
    bar.finish()
    guard let pick = plan.recommended else {
      StandardError.write("embcompress: \(convert.input): \(plan.verdict)\n")
      throw ExitCode(65)
    }
    let request = ConversionRequest(
      input: convert.input, inputOptions: convert.inputOptions.openOptions, output: convert.output,
      reportPath: report.report, htmlPath: report.html, scheme: pick.rule.scheme, operation: pick.rule.operation,
      sizing: pick.rule.sizing, precision: .f32, fit: fit.options, replaceExisting: convert.force, plan: plan)
    try report.present(reportPath: request.reportPath, htmlPath: request.htmlPath) { progress in
      try Converter.run(request, progress: progress)
    }
  }
}
