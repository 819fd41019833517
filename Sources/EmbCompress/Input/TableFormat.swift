/// A container format embcompress can read a dense table from.
public enum TableFormat: String, Sendable, CaseIterable, Codable {
  case hdf5 = "h5"
  case npy
  case safetensors
  case raw

  /// Parses a `--format` value; `hdf5` is accepted as a synonym for `h5`.
  public init?(name: String) {
    if name == "hdf5" { self = .hdf5 } else { self.init(rawValue: name) }
  }

  /// The format named by a file's extension, if any.
  public init?(pathExtension: String) {
    switch pathExtension.lowercased() {
    case "h5", "hdf5", "hdf", "he5": self = .hdf5
    case "npy": self = .npy
    case "safetensors", "qr": self = .safetensors
    case "bin", "raw", "f16", "bf16", "f32", "f64": self = .raw
    default: return nil
    }
  }

  /// The format whose signature starts `prefix` (the file's first bytes), if any.
  ///
  /// Raw files have no signature, so they are only ever found by extension or `--format`.
  public init?<Bytes: Collection<UInt8>>(signature prefix: Bytes) {
    let bytes = Array(prefix.prefix(16))
    if bytes.starts(with: [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]) {
      self = .hdf5
    } else if bytes.starts(with: [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]) {
      self = .npy
    } else if bytes.count >= 9, bytes[8] == UInt8(ascii: "{"), bytes[6] == 0, bytes[7] == 0 {
      // safetensors: a little-endian u64 header length (far below 2^48), then a JSON object.
      self = .safetensors
    } else {
      return nil
    }
  }

  /// The human name used in messages and reports.
  public var displayName: String {
    switch self {
    case .hdf5: "HDF5"
    case .npy: "npy"
    case .safetensors: "safetensors"
    case .raw: "raw"
    }
  }
}
