import Foundation

/// The first word of a command line, which names a subcommand or, since `convert` is the
/// default, the input file. A word that is neither is a typo (`embcompress inpsect t.qr`): it
/// is refused, suggesting the nearest subcommand, before anything is read or written.
enum SubcommandWord {
  /// The subcommands' names, as argument-parser knows them, and `help`.
  static var names: [String] {
    EmbCompressCommand.configuration.subcommands.map { $0._commandName } + ["help"]
  }

  /// - Throws: `UsageError` when the first argument is an unknown word: not an option, not a
  ///   subcommand, no existing file, and nothing like a path (a path that does not exist is left
  ///   to the input check, which says "no such file", exit 66).
  static func check(_ arguments: [String]) throws {
    guard let word = arguments.first, !word.hasPrefix("-"), !names.contains(word) else { return }
    if FileManager.default.fileExists(atPath: word) || word.contains("/") || word.contains(".") { return }
    let nearest = names.filter { $0 != "help" }.min { distance(word, $0) < distance(word, $1) }!
    throw UsageError(
      "'\(word)' is neither a command nor a file; did you mean '\(nearest)'?",
      hint: "commands: \(names.filter { $0 != "help" }.joined(separator: ", ")); see 'embcompress --help'")
  }

  /// Levenshtein distance, case-insensitive: the fewest insertions, deletions and substitutions.
  static func distance(_ a: String, _ b: String) -> Int {
    let a = Array(a.lowercased()), b = Array(b.lowercased())
    var previous = Array(0...b.count)
    for i in 1...max(1, a.count) where !a.isEmpty {
      var current = [i] + Array(repeating: 0, count: b.count)
      for j in 1...max(1, b.count) where !b.isEmpty {
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
      }
      previous = current
    }
    return previous[b.count]
  }
}
