/// The long options a command line gives, as typed, in order: what argument-parser does not say
/// (it fills in defaults and keeps the last of repeated options).
///
/// Used to refuse repeated options and options that do not apply (`OptionApplicability`).
struct GivenOptions {
  /// Option names with their dashes (`--tensor`), once per occurrence.
  let names: [String]

  /// `arguments` without the program name. `--name=value` counts as `--name`; after a bare
  /// `--` everything is positional.
  init(_ arguments: [String]) {
    var names: [String] = []
    for argument in arguments {
      if argument == "--" { break }
      guard argument.hasPrefix("--"), argument.count > 2 else { continue }
      names.append(String(argument.prefix { $0 != "=" }))
    }
    self.names = names
  }

  /// The process's own command line.
  static let commandLine = GivenOptions(Array(CommandLine.arguments.dropFirst()))

  func contains(_ name: String) -> Bool { names.contains(name) }

  /// - Throws: `UsageError` for the first option given twice or more, unless `repeatable`
  ///   lists it (argument-parser would silently keep the last value).
  func refuseRepeats(subcommand: String?, repeatable: Set<String> = OptionApplicability.repeatable) throws {
    var seen: Set<String> = []
    for name in names where !repeatable.contains(name) {
      guard seen.insert(name).inserted else {
        let count = names.filter { $0 == name }.count
        throw UsageError("\(name) is given \(count) times; give it once", hint: UsageError.helpHint(subcommand))
      }
    }
  }
}
