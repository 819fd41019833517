import ArgumentParser
import EmbCompress

/// What a plan aims at and how long it may search; shared by `plan` and `convert --auto`.
///
/// Values are taken as text and checked in `goal()`, so a bad one is one `embcompress:` line and
/// exit 64 like every other usage error, before anything is read or written.
struct PlanGoalArguments: ParsableArguments {
  @Option(
    parsing: .unconditional,
    help: ArgumentHelp("The most bytes the compact tables may take, e.g. 4M (float32 tables).", valueName: "bytes"))
  var budget: String?

  @Option(
    name: .customLong("target-error"), parsing: .unconditional,
    help: ArgumentHelp("The largest relative Frobenius error acceptable: the fewest bytes within it.", valueName: "E"))
  var targetError: String?

  @Option(
    parsing: .unconditional,
    help: ArgumentHelp("Time limit for the search (default: \(Int(PlanSearch.defaultConversions)) conversions' worth).", valueName: "S"))
  var seconds: String?

  var given: Bool { budget != nil || targetError != nil || seconds != nil }

  /// The goal and time limit; `.invalidArguments` (exit 64) for a value that means nothing.
  func goal() throws -> (goal: PlanGoal, seconds: Double?) {
    func invalid(_ detail: String) -> EmbCompressError { .invalidArguments(detail: detail) }
    var goal = PlanGoal()
    if let budget {
      guard let count = ByteCount(argument: budget), count.bytes >= 1 else {
        throw invalid("--budget must be a positive number of bytes such as 65536 or 4M, not '\(budget)'")
      }
      goal.budget = count.bytes
    }
    if let targetError {
      guard let value = Double(targetError), value > 0, value.isFinite else {
        throw invalid("--target-error must be a positive relative error such as 0.05, not '\(targetError)'")
      }
      goal.targetError = value
    }
    var limit: Double?
    if let seconds {
      guard let value = Double(seconds), value > 0, value.isFinite else {
        throw invalid("--seconds must be a positive number of seconds, not '\(seconds)'")
      }
      limit = value
    }
    return (goal, limit)
  }
}
