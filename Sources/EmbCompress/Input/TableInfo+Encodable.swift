/// The JSON that `info` and the report share for a table: `path`, `format`, `dataset` (the HDF5
/// dataset or safetensors tensor, null for .npy and raw), `rows`, `dim`, `dtype`, `byte_order`
/// and `bytes`.
extension TableInfo: Encodable {
  private enum CodingKeys: String, CodingKey {
    case path, format, dataset, rows, dim, dtype, byteOrder = "byte_order", bytes
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(path, forKey: .path)
    try container.encode(format, forKey: .format)
    // Explicit null, so the key is always there for scripts.
    try container.encode(name, forKey: .dataset)
    try container.encode(rows, forKey: .rows)
    try container.encode(dim, forKey: .dim)
    try container.encode(elementType, forKey: .dtype)
    try container.encode(byteOrder, forKey: .byteOrder)
    try container.encode(bytes, forKey: .bytes)
  }
}
