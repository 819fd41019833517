/// What a reader learned about a table before reading its values.
public struct TableInfo: Sendable, Equatable {
  public var path: String
  public var format: TableFormat
  /// The HDF5 dataset path or safetensors tensor name; nil for formats holding one array.
  public var name: String?
  public var rows: Int
  public var dim: Int
  public var elementType: ElementType
  public var byteOrder: ByteOrder

  public init(
    path: String, format: TableFormat, name: String?, rows: Int, dim: Int,
    elementType: ElementType, byteOrder: ByteOrder
  ) {
    self.path = path
    self.format = format
    self.name = name
    self.rows = rows
    self.dim = dim
    self.elementType = elementType
    self.byteOrder = byteOrder
  }

  /// The size of the values as stored, before any compression the container applies.
  public var bytes: Int { rows * dim * elementType.byteSize }

  /// The number of values, `rows × dim`.
  public var count: Int { rows * dim }
}
