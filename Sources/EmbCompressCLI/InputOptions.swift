import ArgumentParser
import EmbCompress

/// The options every command that reads a table shares.
struct InputOptions: ParsableArguments {
  @Option(help: ArgumentHelp("Input format, instead of detecting it.", valueName: "h5|npy|safetensors|raw"))
  var format: TableFormat?

  @Option(help: ArgumentHelp("HDF5 dataset to read, e.g. /group/embeddings.", valueName: "path"))
  var dataset: String?

  @Option(help: ArgumentHelp("safetensors tensor to read, e.g. embeddings.word_embeddings.weight; a glob (emb_l.*) reads each match.", valueName: "name"))
  var tensor: String?

  @Flag(help: "convert: every 2-D float table of a safetensors or HDF5 file, into one .qr.")
  var allTables = false

  @Option(help: "Raw input: values per row (required for raw).")
  var dim: Int?

  @Option(help: ArgumentHelp("Raw input: element type.", valueName: "f32|f16|bf16|f64"))
  var dtype: ElementType = .float32

  @Option(help: ArgumentHelp("Raw input: byte order.", valueName: "little|big"))
  var endian: ByteOrder = .little

  @Option(help: ArgumentHelp("Raw input: bytes to skip before the first value.", valueName: "bytes"))
  var offset: Int = 0

  @Option(help: "Raw input: number of rows (default: inferred from the file size).")
  var rows: Int?

  @Flag(help: "HDF5: read data stored in other files (external storage, virtual datasets, external links).")
  var allowExternal = false

  func validate() throws {
    if dataset != nil && tensor != nil {
      throw ValidationError("--dataset (HDF5) and --tensor (safetensors) exclude each other")
    }
    if allTables && (dataset != nil || tensor != nil) {
      throw ValidationError("--all-tables takes every table; it excludes --dataset and --tensor")
    }
    if let dim, dim < 1 { throw ValidationError("--dim must be at least 1, not \(dim)") }
    if offset < 0 { throw ValidationError("--offset must not be negative") }
    if let rows, rows < 1 { throw ValidationError("--rows must be at least 1, not \(rows)") }
  }

  /// The tables a run over several converts (`--all-tables`, or a glob in `--dataset` or
  /// `--tensor`), or nil for a run over one.
  func tables(in path: String) throws -> [String]? {
    let name = dataset ?? tensor
    guard allTables || name.map(TableCatalog.isPattern) == true else { return nil }
    return try TableCatalog.names(
      in: path, format: format, matching: allTables ? nil : name, hdf5Launcher: EmbCompressCommand.hdf5Launcher)
  }

  /// Refuses the options given that do not apply to `input`'s format (`--format`, or what
  /// detection finds) or, for a fit, to its scheme and operation; see `OptionApplicability`.
  func checkApplicable(
    to input: String, subcommand: String, scheme: PartitionScheme? = nil, operation: CombineOperation? = nil,
    auto: Bool = false
  ) throws {
    let format = try reportingErrors { try self.format ?? detectFormat(input) }
    try OptionApplicability.check(
      in: .init(input: input, format: format, scheme: scheme, operation: operation, subcommand: subcommand, auto: auto))
  }

  var openOptions: TableOpenOptions {
    TableOpenOptions(
      format: format, name: dataset ?? tensor,
      raw: RawLayout(dim: dim, elementType: dtype, byteOrder: endian, offset: offset, rows: rows),
      allowExternal: allowExternal, hdf5Launcher: EmbCompressCommand.hdf5Launcher)
  }
}

extension TableFormat: ExpressibleByArgument {
  public init?(argument: String) { self.init(name: argument) }
  public static var allValueStrings: [String] { ["h5", "npy", "safetensors", "raw"] }
}

extension ElementType: ExpressibleByArgument {
  public init?(argument: String) { self.init(name: argument) }
}

extension ByteOrder: ExpressibleByArgument {}
