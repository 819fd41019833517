import Foundation

/// One non-negative weight per id, read from `--counts`: how often each row is looked up.
///
/// A `.npy` 1-D array of any integer or float dtype, a text file of one number per line, or a
/// 1-D HDF5 dataset (named by `dataset`). Wrong length, negative, NaN or ±Inf values, and
/// counts that are all zero are refused as data errors naming the file.
///
///     let counts = try IdCounts(path: "counts.npy", rows: 30522)
///     let weights = counts.weights(floor: IdCounts.defaultFloor)
public struct IdCounts: Sendable, Equatable {
  public var path: String
  public var values: [Double]

  /// The fraction of the mean count every id gets at least, so ids never seen still get rows
  /// of a sensible size (a pure weighted fit leaves them unconstrained).
  public static let defaultFloor = 0.01

  public init(path: String, values: [Double], rows: Int) throws {
    func malformed(_ detail: String) -> EmbCompressError { .malformed(path: path, detail: detail) }
    guard values.count == rows else {
      throw malformed("holds \(values.count) counts, but the table has \(rows) rows; give one count per id")
    }
    if let bad = values.firstIndex(where: { !$0.isFinite }) {
      throw malformed("count \(bad) is \(values[bad]); counts must be finite")
    }
    if let bad = values.firstIndex(where: { $0 < 0 }) {
      throw malformed("count \(bad) is \(values[bad]); counts must not be negative")
    }
    guard values.contains(where: { $0 > 0 }) else { throw malformed("every count is zero; nothing says which ids matter") }
    self.path = path
    self.values = values
  }

  /// Reads the counts in `path`; `dataset` names the HDF5 dataset, and is refused for other files.
  /// HDF5 counts are read as tables are: by the child reader `hdf5Launcher` starts, when given (see
  /// `TableOpenOptions`), and with data in other files refused unless `allowExternal`.
  public init(path: String, dataset: String? = nil, rows: Int, allowExternal: Bool = false, hdf5Launcher: HDF5ChildLauncher? = nil) throws {
    // Refuses a missing file, a directory or a FIFO (whose open() would block) before reading.
    try RegularFile.check(path)
    let prefix = try FilePrefix.read(path, count: 8)
    let values: [Double]
    if prefix.starts(with: NpyHeader.magic) {
      if dataset != nil { throw EmbCompressError.invalidOption(path: path, detail: "--counts-dataset applies to HDF5 counts, not .npy") }
      values = try Self.npy(path)
    } else if prefix.starts(with: [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]) {
      values = try Self.hdf5(path, dataset: dataset, allowExternal: allowExternal, launcher: hdf5Launcher)
    } else {
      if dataset != nil { throw EmbCompressError.invalidOption(path: path, detail: "--counts-dataset applies to HDF5 counts, not text") }
      values = try Self.text(path)
    }
    try self.init(path: path, values: values, rows: rows)
  }

  /// The weights the fit uses: each count, but at least `floor` × the mean count.
  public func weights(floor: Double) -> [Double] {
    let mean = values.reduce(0, +) / Double(values.count)
    let least = floor * mean
    return values.map { max($0, least) }
  }

  private static func contents(_ path: String) throws -> Data {
    do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
      throw EmbCompressError.readFailed(path: path, detail: "cannot read the counts: \(error.localizedDescription)")
    }
  }

  private static func npy(_ path: String) throws -> [Double] {
    let data = try contents(path)
    return try data.withUnsafeBytes { bytes -> [Double] in
      let header = try NpyHeader(bytes: bytes, path: path)
      guard header.shape.count == 1 else {
        throw EmbCompressError.malformed(path: path, detail: "counts must be a 1-D array, not shape \(header.shape)")
      }
      let descr = Array(header.descr.utf8)
      guard descr.count >= 3, let size = Int(String(decoding: descr[2...], as: UTF8.self)) else {
        throw EmbCompressError.unsupportedElementType(path: path, detail: "counts dtype \(UntrustedText.quoted(header.descr)) is not a number type")
      }
      let little = descr[0] != UInt8(ascii: ">")
      let kind = descr[1]
      let count = header.shape[0]
      guard [1, 2, 4, 8].contains(size), [UInt8(ascii: "i"), UInt8(ascii: "u"), UInt8(ascii: "f"), UInt8(ascii: "b")].contains(kind),
        kind != UInt8(ascii: "f") || size >= 2
      else {
        throw EmbCompressError.unsupportedElementType(path: path, detail: "counts dtype \(UntrustedText.quoted(header.descr)) is not an integer or float type")
      }
      let (needed, overflow) = count.multipliedReportingOverflow(by: size)
      guard !overflow, bytes.count - header.dataOffset >= needed else {
        throw EmbCompressError.truncated(path: path, detail: "\(count) counts of \(size) bytes need more than the file holds")
      }
      let base = bytes.baseAddress! + header.dataOffset
      return (0..<count).map { index in
        var raw: UInt64 = 0
        for b in 0..<size {
          let byte = UInt64(base.load(fromByteOffset: index * size + (little ? b : size - 1 - b), as: UInt8.self))
          raw |= byte << (8 * b)
        }
        switch (kind, size) {
        case (UInt8(ascii: "f"), 2): return Double(Float16(bitPattern: UInt16(raw)))
        case (UInt8(ascii: "f"), 4): return Double(Float(bitPattern: UInt32(raw)))
        case (UInt8(ascii: "f"), 8): return Double(bitPattern: raw)
        case (UInt8(ascii: "i"), _):
          let shift = UInt64(64 - 8 * size)
          return Double(Int64(bitPattern: raw << shift) >> Int64(shift))
        default: return Double(raw)
        }
      }
    }
  }

  private static func text(_ path: String) throws -> [Double] {
    let data = try contents(path)
    guard let text = String(data: data, encoding: .utf8) else {
      throw EmbCompressError.malformed(path: path, detail: "counts are neither .npy, HDF5 nor UTF-8 text")
    }
    var values: [Double] = []
    var lineNumber = 0
    // "\r\n" is one Character, so split on newlines of every kind rather than on "\n".
    for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
      lineNumber += 1
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.isEmpty { continue }
      guard let value = Double(trimmed) else {
        throw EmbCompressError.malformed(path: path, detail: "line \(lineNumber) is \(UntrustedText.quoted(String(trimmed))), not a number")
      }
      values.append(value)
    }
    return values
  }

  /// HDF5 counts go through the child reader when there is one, like tables: a hostile
  /// counts file may crash or hang libhdf5 as well.
  private static func hdf5(_ path: String, dataset: String?, allowExternal: Bool, launcher: HDF5ChildLauncher?) throws -> [Double] {
    guard let dataset else {
      throw EmbCompressError.invalidOption(path: path, detail: "HDF5 counts need --counts-dataset to name the 1-D dataset")
    }
    if let launcher {
      return try HDF5ChildProcess.values(path: path, dataset: dataset, allowExternal: allowExternal, launcher: launcher)
    }
    return try HDF5Values.read(path: path, dataset: dataset, allowExternal: allowExternal)
  }
}
