import EmbCompress

/// Turns a manifest entry's CLI input options into library options, as the CLI does.
enum InputArguments {
  static func options(_ args: [String]) -> TableOpenOptions {
    var options = TableOpenOptions()
    var index = 0
    while index + 1 < args.count {
      let value = args[index + 1]
      switch args[index] {
      case "--format": options.format = TableFormat(name: value)
      case "--dataset", "--tensor": options.name = value
      case "--dim": options.raw.dim = Int(value)
      case "--dtype": options.raw.elementType = ElementType(name: value)!
      case "--endian": options.raw.byteOrder = ByteOrder(rawValue: value)!
      case "--offset": options.raw.offset = Int(value)!
      case "--rows": options.raw.rows = Int(value)
      default: fatalError("unknown fixture argument \(args[index])")
      }
      index += 2
    }
    return options
  }
}
