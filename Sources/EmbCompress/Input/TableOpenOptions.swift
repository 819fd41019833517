/// How to find the table inside an input file; every field is optional where the file can tell.
///
///     var options = TableOpenOptions()
///     options.format = .raw
///     options.raw.dim = 384
///     let table = try openTable("vectors.f32", options: options)
public struct TableOpenOptions: Sendable, Equatable {
  /// Forces a format instead of detecting it from signature and extension.
  public var format: TableFormat?
  /// The HDF5 dataset path (`/group/name`) or safetensors tensor name.
  public var name: String?
  /// How to interpret a raw binary file.
  public var raw = RawLayout()
  /// Read HDF5 data stored outside the file: external storage, virtual datasets, external
  /// links. Off by default, since a hostile file can point them at `/etc/passwd`.
  public var allowExternal = false
  /// Starts the child processes that read HDF5 (`HDF5ChildServer`), so that a libhdf5 crash
  /// or hang on a hostile file becomes an error; nil reads HDF5 in-process. Conversions and
  /// evaluations read HDF5 counts with it too, and with `allowExternal`.
  public var hdf5Launcher: HDF5ChildLauncher?

  public init(
    format: TableFormat? = nil, name: String? = nil, raw: RawLayout = RawLayout(), allowExternal: Bool = false,
    hdf5Launcher: HDF5ChildLauncher? = nil
  ) {
    self.format = format
    self.name = name
    self.raw = raw
    self.allowExternal = allowExternal
    self.hdf5Launcher = hdf5Launcher
  }
}

/// The layout of a headerless binary file: row-major `rows × dim` values after `offset` bytes.
public struct RawLayout: Sendable, Equatable {
  public var dim: Int?
  public var elementType: ElementType = .float32
  public var byteOrder: ByteOrder = .little
  public var offset: Int = 0
  /// When nil, inferred from the file size.
  public var rows: Int?

  public init(
    dim: Int? = nil, elementType: ElementType = .float32, byteOrder: ByteOrder = .little,
    offset: Int = 0, rows: Int? = nil
  ) {
    self.dim = dim
    self.elementType = elementType
    self.byteOrder = byteOrder
    self.offset = offset
    self.rows = rows
  }
}
