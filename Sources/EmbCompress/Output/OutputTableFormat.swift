/// A format embcompress writes a dense float32 table in.
///
///     OutputTableFormat(pathExtension: "npy")  // .npy
///     OutputTableFormat(name: "h5")            // .hdf5
public enum OutputTableFormat: String, Sendable, CaseIterable, Codable {
  /// HDF5, dataset `/embeddings`, float32 little-endian.
  case hdf5 = "h5"
  /// NumPy `.npy` version 1.0, dtype `<f4`, C order.
  case npy
  /// Headerless little-endian float32, row-major.
  case raw

  /// Parses a `--format` value; `hdf5` is accepted as a synonym for `h5`.
  public init?(name: String) {
    if name == "hdf5" { self = .hdf5 } else { self.init(rawValue: name) }
  }

  /// The format a file name's extension implies: `.h5`/`.hdf5`, `.npy`, or `.f32`/`.bin`/`.raw`.
  /// Other raw extensions (`.f16`, `.bf16`) would promise a type that is not written, so they
  /// imply nothing.
  public init?(pathExtension: String) {
    switch pathExtension.lowercased() {
    case "h5", "hdf5": self = .hdf5
    case "npy": self = .npy
    case "f32", "bin", "raw": self = .raw
    default: return nil
    }
  }

  /// The format implied by the extension of `path`, if any.
  public init?(path: String) {
    let name = path.split(separator: "/").last.map(String.init) ?? path
    guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
    self.init(pathExtension: String(name[name.index(after: dot)...]))
  }

  /// The HDF5 dataset an `.h5` output holds the table in.
  public static let hdf5Dataset = "/embeddings"
}
