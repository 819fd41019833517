import EmbCompress

/// Which options apply where: the input formats, schemes or operations an option means
/// something for. An option given where it does not apply is refused, naming it, instead of
/// being silently ignored (`--dim` on a .npy, `--operation` with `--scheme hash`).
///
/// One table, checked in one place (`check`) once the input's format is known. A new option
/// that applies only somewhere gets one line in `rules`; an option allowed more than once
/// gets one entry in `repeatable`.
enum OptionApplicability {
  /// Where an option applies.
  enum Scope {
    /// Input read in one of these formats (after detection or `--format`).
    case formats([TableFormat])
    /// Fits with one of these schemes (given or default).
    case schemes([PartitionScheme])
    /// Fits with one of these operations (given or default).
    case operations([CombineOperation])
    /// One of these commands.
    case subcommands([String])
    /// A fit the user lays out, not `convert --auto`, whose plan chooses the layout (scheme,
    /// operation, sizing, terms, projection) and measures float32 tables of one table.
    case withoutAuto
  }

  /// What a command knows when it checks: the format always, scheme and operation when it fits.
  struct Context {
    var input: String
    var format: TableFormat
    var scheme: PartitionScheme?
    var operation: CombineOperation?
    /// For the hint: `convert`, `evaluate`, `info`, `plan`.
    var subcommand: String
    /// `convert --auto`.
    var auto = false
  }

  /// One option and where it applies.
  struct Rule {
    var option: String
    /// All must hold.
    var scopes: [Scope]
    /// When true, the option is accepted even where it does not apply: for a value that changes
    /// nothing there (`--operation mult` with hash, which records mult), so scripts that pass
    /// one value for every scheme keep working.
    var harmless: @Sendable (Context) -> Bool = { _ in false }

    init(_ option: String, _ scopes: [Scope], harmless: @escaping @Sendable (Context) -> Bool = { _ in false }) {
      self.option = option
      self.scopes = scopes
      self.harmless = harmless
    }
  }

  /// Option → the scopes it needs. Options not listed apply everywhere they parse.
  static let rules: [Rule] = [
    Rule("--dataset", [.formats([.hdf5])]),
    Rule("--tensor", [.formats([.safetensors])]),
    Rule("--dim", [.formats([.raw])]),
    Rule("--dtype", [.formats([.raw])]),
    Rule("--endian", [.formats([.raw])]),
    Rule("--offset", [.formats([.raw])]),
    Rule("--rows", [.formats([.raw])]),
    // hash has one partition: nothing to combine, so only the default (what it records) passes.
    Rule("--scheme", [.withoutAuto]),
    Rule("--operation", [.withoutAuto]),
    Rule("--operation", [.schemes([.qr, .gqr, .crt])], harmless: { $0.operation == .mult }),
    Rule("--concat-dims", [.withoutAuto, .schemes([.qr, .gqr, .crt]), .operations([.concat])]),
    Rule("--collisions", [.withoutAuto, .schemes([.qr, .hash])]),
    Rule("--moduli", [.withoutAuto, .schemes([.gqr, .crt])]),
    Rule("--partitions", [.withoutAuto, .schemes([.gqr, .crt])]),
    Rule("--terms", [.withoutAuto]),
    Rule("--project", [.withoutAuto]),
    // The plan does not search exact rows, and it measures float32 tables.
    Rule("--exact-rows", [.withoutAuto]),
    Rule("--precision", [.withoutAuto]),
    Rule("--all-tables", [.subcommands(["convert"]), .withoutAuto, .formats([.safetensors, .hdf5])]),
  ]

  /// Options that may be given more than once (none yet: every option takes one value).
  static let repeatable: Set<String> = []

  /// - Throws: `UsageError` for the first option in `given` (in rule order) whose scopes do not
  ///   hold in `context`.
  static func check(_ given: GivenOptions = .commandLine, in context: Context) throws {
    for rule in rules where given.contains(rule.option) && !rule.harmless(context) {
      for scope in rule.scopes {
        if let refusal = refusal(rule.option, scope, context) {
          throw UsageError(refusal, hint: UsageError.helpHint(context.subcommand))
        }
      }
    }
  }

  /// The message when `scope` does not hold, or nil when it does (or the context cannot tell).
  private static func refusal(_ option: String, _ scope: Scope, _ context: Context) -> String? {
    switch scope {
    case .formats(let formats):
      guard !formats.contains(context.format) else { return nil }
      return "\(option) only applies to \(list(formats.map(\.displayName))) input, not \(context.format.displayName) (\(context.input))"
    case .schemes(let schemes):
      guard let scheme = context.scheme, !schemes.contains(scheme) else { return nil }
      return "\(option) only applies to --scheme \(list(schemes.map(\.rawValue))), not \(scheme.rawValue)"
    case .operations(let operations):
      guard let operation = context.operation, !operations.contains(operation) else { return nil }
      return "\(option) only applies to --operation \(list(operations.map(\.rawValue))), not \(operation.rawValue)"
    case .subcommands(let subcommands):
      guard !subcommands.contains(context.subcommand) else { return nil }
      return "\(option) only applies to \(list(subcommands.map { "embcompress " + $0 })), not \(context.subcommand)"
    case .withoutAuto:
      guard context.auto else { return nil }
      return "\(option) does not apply with --auto, which chooses the layout itself; give --budget, --ratio or --target-error"
    }
  }

  /// "a", "a or b", "a, b or c".
  private static func list(_ items: [String]) -> String {
    items.count <= 1 ? items.joined() : items.dropLast().joined(separator: ", ") + " or " + items.last!
  }
}
