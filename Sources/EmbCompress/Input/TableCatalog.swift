import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The tables a model file holds, for runs over many of them: every 2-D float tensor of a
/// safetensors file or dataset of an HDF5 file, or those whose name matches a glob.
///
///     try TableCatalog.names(in: "dlrm.safetensors", matching: "emb_l.*")  // ["emb_l.0", …, "emb_l.25"]
public enum TableCatalog {
  /// Whether `name` asks for several tables: it holds a glob character (`*`, `?` or `[`).
  public static func isPattern(_ name: String) -> Bool { name.contains { "*?[".contains($0) } }

  /// The names of the 2-D float tables in `path` matching `pattern` (`fnmatch`, where `*` also
  /// crosses `.` and `/`), or all of them without one; in file order.
  ///
  /// An HDF5 file is listed by the child reader `hdf5Launcher` starts (see `TableOpenOptions`), or, when
  /// it is nil, in this process.
  ///
  /// - Throws: `.invalidOption` for a format that holds one array (`.npy`, raw); the file's
  ///   reading errors; `.noTableFound` when nothing matches, listing what is there.
  public static func names(
    in path: String, format: TableFormat? = nil, matching pattern: String? = nil, hdf5Launcher: HDF5ChildLauncher? = nil
  ) throws -> [String] {
    let format = try format ?? detectFormat(path)
    let all: [String]
    switch format {
    case .safetensors:
      let file = try MappedFile(path: path)
      let header = try SafetensorsHeader(bytes: file.bytes, path: path)
      all = header.tensors.filter { $0.shape.count == 2 && $0.dtype.elementType != nil }
        .sorted { $0.span.lowerBound < $1.span.lowerBound }.map(\.name)
    case .hdf5:
      // A hostile file may crash or hang libhdf5 while it is listed, as while it is read.
      if let hdf5Launcher {
        all = try HDF5ChildProcess.tableNames(path: path, launcher: hdf5Launcher)
      } else {
        all = try HDF5TableSource.tableNames(path: path)
      }
    case .npy, .raw:
      throw EmbCompressError.invalidOption(path: path, detail: "holds one table; several tables come from a safetensors or HDF5 file")
    }
    guard let pattern else {
      guard !all.isEmpty else { throw EmbCompressError.noTableFound(path: path, detail: "no 2-D floating-point table") }
      return all
    }
    let wanted = format == .hdf5 && !pattern.hasPrefix("/") ? "/" + pattern : pattern
    let matched = all.filter { fnmatch(wanted, $0, 0) == 0 }
    guard !matched.isEmpty else {
      let shown = all.prefix(8).map { UntrustedText.quoted($0) }.joined(separator: ", ") + (all.count > 8 ? ", …" : "")
      throw EmbCompressError.noTableFound(
        path: path, detail: "no table matches \(UntrustedText.quoted(pattern)) (tables: \(all.isEmpty ? "none" : shown))")
    }
    return matched
  }
}
