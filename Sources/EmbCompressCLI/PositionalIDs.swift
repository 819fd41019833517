/// The ids of a `lookup` command line, taken out before argument-parser sees it.
///
/// argument-parser's cost grows with the square of the number of positional arguments (16,000
/// ids took 4.6 s, 100,000 would take minutes); this split is one pass. Every argument that is
/// a whole number, after the checkpoint and not the value of an option, is an id; they keep
/// their order. Anything else (an option, a malformed id such as `1.5`) stays for
/// argument-parser, with its usual errors.
///
///     PositionalIDs(["lookup", "t.qr", "--table", "7", "3", "1"])
///     // ids [3, 1], remaining ["lookup", "t.qr", "--table", "7"]
struct PositionalIDs {
  var ids: [Int] = []
  var remaining: [String] = []

  /// `lookup`'s options that take a value as the next argument (see `Lookup`).
  static let valueOptions: Set<String> = ["--table", "--ids-from"]

  /// `arguments` without the program name; only a `lookup` command line is split.
  init(_ arguments: [String]) {
    guard arguments.first == "lookup" else {
      remaining = arguments
      return
    }
    remaining.reserveCapacity(8)
    var sawCheckpoint = false
    var optionsEnded = false
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      index += 1
      if index == 1 {
        remaining.append(argument)
        continue
      }
      if !optionsEnded {
        if argument == "--" {
          optionsEnded = true
          remaining.append(argument)
          continue
        }
        if Self.valueOptions.contains(argument) {
          // The option and its value, whatever the value looks like.
          remaining.append(argument)
          if index < arguments.count {
            remaining.append(arguments[index])
            index += 1
          }
          continue
        }
      }
      if sawCheckpoint, let id = Int(argument) {
        ids.append(id)
        continue
      }
      if optionsEnded || !argument.hasPrefix("-") { sawCheckpoint = true }
      remaining.append(argument)
    }
  }
}
