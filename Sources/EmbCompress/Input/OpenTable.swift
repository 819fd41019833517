/// Opens the table in `path`, choosing the reader by `options.format`, else the file's
/// signature, else its extension.
///
///     let table = try openTable("model.safetensors", options: .init(name: "embeddings.word_embeddings.weight"))
///     print(table.info.rows, table.info.dim)
public func openTable(_ path: String, options: TableOpenOptions = TableOpenOptions()) throws -> any TableSource {
  // Before anything opens it: open() on a FIFO blocks.
  try RegularFile.check(path)
  let format = try options.format ?? detectFormat(path)
  switch format {
  case .hdf5:
    if let helper = options.hdf5Helper {
      return try HDF5ChildTableSource(path: path, name: options.name, allowExternal: options.allowExternal, helper: helper)
    }
    return try HDF5TableSource(path: path, name: options.name, allowExternal: options.allowExternal)
  case .npy: return try NpyTableSource(path: path)
  case .safetensors: return try SafetensorsTableSource(path: path, name: options.name)
  case .raw: return try RawTableSource(path: path, layout: options.raw)
  }
}

/// The format of `path` by signature, then extension.
public func detectFormat(_ path: String) throws -> TableFormat {
  if let format = TableFormat(signature: try FilePrefix.read(path, count: 16)) { return format }
  let name = path.split(separator: "/").last.map(String.init) ?? path
  if let dot = name.lastIndex(of: "."), let format = TableFormat(pathExtension: String(name[name.index(after: dot)...])) {
    return format
  }
  throw EmbCompressError.unrecognizedFormat(path: path)
}
