/// Opens the table in `path`, choosing the reader by `options.format`, else the file's
/// signature, else its extension.
///
///     let table = try openTable("model.safetensors", options: .init(name: "embeddings.word_embeddings.weight"))
///     print(table.info.rows, table.info.dim)
public func openTable(_ path: String, options: TableOpenOptions = TableOpenOptions()) throws -> any TableSource {
  let format = try options.format ?? detectFormat(path)
  switch format {
  case .hdf5: return try HDF5TableSource(path: path, name: options.name)
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
