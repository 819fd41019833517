#if canImport(Glibc)
  import Glibc
#endif

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
  let fd = open(path, O_RDONLY | O_CLOEXEC)
  guard fd >= 0 else { throw MappedFile.openError(path: path, errno: errno) }
  defer { close(fd) }
  var status = stat()
  if fstat(fd, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR {
    throw EmbCompressError.cannotOpen(path: path, reason: "is a directory")
  }
  var prefix = [UInt8](repeating: 0, count: 16)
  let count = read(fd, &prefix, 16)
  guard count >= 0 else {
    throw EmbCompressError.readFailed(path: path, detail: String(cString: strerror(errno)))
  }
  if let format = TableFormat(signature: prefix.prefix(count)) { return format }
  let name = path.split(separator: "/").last.map(String.init) ?? path
  if let dot = name.lastIndex(of: "."), let format = TableFormat(pathExtension: String(name[name.index(after: dot)...])) {
    return format
  }
  throw EmbCompressError.unrecognizedFormat(path: path)
}
