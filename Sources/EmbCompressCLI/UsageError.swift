/// A mistake in the command line found by embcompress itself (not argument-parser): printed as
/// `embcompress: MESSAGE`, then the hint on a line of its own, and exit 64.
struct UsageError: Error, Equatable {
  var message: String
  /// Where to look next, e.g. `see 'embcompress convert --help'`.
  var hint: String?

  init(_ message: String, hint: String? = nil) {
    self.message = message
    self.hint = hint
  }

  /// The hint for a mistake in `subcommand`'s options.
  static func helpHint(_ subcommand: String?) -> String {
    "see 'embcompress \(subcommand.map { $0 + " " } ?? "")--help'"
  }
}
