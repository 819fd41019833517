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
    if let launcher = options.hdf5Launcher {
      return try HDF5ChildTableSource(path: path, name: options.name, allowExternal: options.allowExternal, launcher: launcher)
    }
    return try HDF5TableSource(path: path, name: options.name, allowExternal: options.allowExternal)
  case .npy: return try NpyTableSource(path: path)
  case .safetensors: return try SafetensorsTableSource(path: path, name: options.name)
  case .raw: return try RawTableSource(path: path, layout: options.raw)
  }
}

/// The format of `path` by signature, then extension. PyTorch and ONNX files are refused, by
/// content, before the extension is looked at: a `pytorch_model.bin` is not raw floats.
public func detectFormat(_ path: String) throws -> TableFormat {
  // Reading the prefix opens the file, and open() on a FIFO blocks.
  try RegularFile.check(path)
  let prefix = try FilePrefix.read(path, count: ModelFileFormat.prefixBytes)
  if let format = TableFormat(signature: prefix) { return format }
  let name = path.split(separator: "/").last.map(String.init) ?? path
  let pathExtension = name.lastIndex(of: ".").map { String(name[name.index(after: $0)...]) } ?? ""
  if let model = try ModelFileFormat(
    prefix: prefix, tail: { try FilePrefix.readTail(path, count: ModelFileFormat.tailBytes) }, pathExtension: pathExtension)
  {
    throw EmbCompressError.noTableFound(path: path, detail: model.refusal)
  }
  if let format = TableFormat(pathExtension: pathExtension) { return format }
  throw EmbCompressError.unrecognizedFormat(path: path)
}
