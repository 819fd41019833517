import ArgumentParser
import EmbCompress
import Foundation

@main
struct EmbCompressCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "embcompress",
    abstract: "Fit compositional (quotient-remainder) tables to a trained embedding table.",
    discussion: """
      Reads a dense table (HDF5, .npy, safetensors or raw binary), fits quotient-remainder or \
      multi-partition tables to it, and writes a .qr checkpoint (safetensors) and a report; \
      reads .qr checkpoints back (inspect, expand, lookup) and measures them again (evaluate). Errors name the file and exit with \
      a sysexits code (64 usage, 65 data, 66 no input, 73 cannot create, 74 I/O).
      """,
    version: EmbCompressVersion.version,
    subcommands: [Convert.self, Evaluate.self, Info.self, Inspect.self, Expand.self, Lookup.self, Plan.self],
    defaultSubcommand: Convert.self
  )

  /// Parses and runs the command line, in place of argument-parser's `main()`, so that every
  /// error has one style: `embcompress: …` on one line, then at most a hint line for a usage
  /// error, and a sysexits code. argument-parser's own errors (unknown option, missing or bad
  /// value) would otherwise print `Error: …` and a usage block.
  static func main() {
    startHDF5Launcher()
    // lookup's ids go around argument-parser, whose cost is quadratic in the arguments.
    let split = PositionalIDs(Array(CommandLine.arguments.dropFirst()))
    let arguments = split.remaining
    let subcommand = arguments.first.flatMap { SubcommandWord.names.contains($0) ? $0 : nil }
    do {
      guard !arguments.isEmpty else {
        throw UsageError("no input; give IN OUT to convert, or a command", hint: UsageError.helpHint(nil))
      }
      try SubcommandWord.check(arguments)
      var command = try parseAsRoot(arguments)
      if var lookup = command as? Lookup {
        lookup.ids = split.ids + lookup.ids
        command = lookup
      }
      try GivenOptions.commandLine.refuseRepeats(subcommand: subcommand ?? "convert")
      try command.run()
    } catch {
      fail(with: error, subcommand: subcommand ?? "convert")
    }
    Foundation.exit(0)
  }

  /// Prints `error` in the one style and exits with its code.
  private static func fail(with error: Error, subcommand: String) -> Never {
    func fail(_ message: String, hint: String?, code: Int32) -> Never {
      StandardError.write("embcompress: \(message)\n" + (hint.map { $0 + "\n" } ?? ""))
      Foundation.exit(code)
    }
    switch error {
    case let usage as UsageError:
      fail(usage.message, hint: usage.hint, code: 64)
    case let exit as ExitCode:
      // Already reported (reportingErrors).
      Foundation.exit(exit.rawValue)
    case let library as EmbCompressError:
      fail(library.message, hint: nil, code: library.exitCode.rawValue)
    default:
      let code = exitCode(for: error)
      if code == .success {
        // --help, --version, `help`: what was asked for, on stdout.
        print(fullMessage(for: error))
        Foundation.exit(0)
      }
      let hint = code == .validationFailure ? UsageError.helpHint(subcommand == "help" ? nil : subcommand) : nil
      fail(oneLine(message(for: error)), hint: hint, code: code.rawValue)
    }
  }

  /// argument-parser's message as one line in our style: "Unknown option '--x'. Did you mean
  /// '--y'?" → "unknown option '--x'; did you mean '--y'?"; several lines are joined.
  static func oneLine(_ message: String) -> String {
    let sentences = message.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty }.joined(separator: " ")
      .components(separatedBy: ". ")
    return sentences.map { sentence in
      // Only a capital that starts a word of lowercase letters: "The value" but not "IN" or "HDF5".
      guard let first = sentence.first, first.isUppercase, let second = sentence.dropFirst().first, second.isLowercase
      else { return sentence }
      return first.lowercased() + sentence.dropFirst()
    }.joined(separator: "; ").trimmingCharacters(in: CharacterSet(charactersIn: "."))
  }
}
