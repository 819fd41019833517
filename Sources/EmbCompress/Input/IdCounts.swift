import CHDF5
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
  public init(path: String, dataset: String? = nil, rows: Int) throws {
    // Refuses a missing file, a directory or a FIFO (whose open() would block) before reading.
    try RegularFile.check(path)
    let prefix = try FilePrefix.read(path, count: 8)
    let values: [Double]
    if prefix.starts(with: NpyHeader.magic) {
      if dataset != nil { throw EmbCompressError.invalidOption(path: path, detail: "--counts-dataset applies to HDF5 counts, not .npy") }
      values = try Self.npy(path)
    } else if prefix.starts(with: [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]) {
      values = try Self.hdf5(path, dataset: dataset)
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

  private static func hdf5(_ path: String, dataset: String?) throws -> [Double] {
    HDF5Library.prepare()
    guard let dataset else {
      throw EmbCompressError.invalidOption(path: path, detail: "HDF5 counts need --counts-dataset to name the 1-D dataset")
    }
    let file = H5Fopen(path, chdf5_acc_rdonly(), chdf5_default())
    guard file >= 0 else { throw EmbCompressError.malformed(path: path, detail: "HDF5 cannot open it: \(HDF5Library.lastError(or: "cannot open"))") }
    defer { H5Fclose(file) }
    let id = H5Dopen2(file, dataset, chdf5_default())
    guard id >= 0 else {
      throw EmbCompressError.tableNotFound(path: path, name: dataset, candidates: [])
    }
    defer { H5Dclose(id) }
    let described = try HDF5Dataset(id: id, path: dataset)
    guard described.shape.count == 1 else {
      throw EmbCompressError.malformed(path: path, detail: "counts dataset \(UntrustedText.quoted(dataset)) has shape \(described.shape), not 1-D")
    }
    guard described.typeClass == "integer" || described.typeClass == "float" else {
      throw EmbCompressError.unsupportedElementType(path: path, detail: "counts dataset \(UntrustedText.quoted(dataset)) holds \(described.typeClass) values")
    }
    // A declared length is not a stored one: refuse what the file cannot hold before allocating.
    let stored = Int(clamping: H5Dget_storage_size(id))
    let count = described.shape[0]
    guard count <= max(stored, 0) || count == 0 else {
      throw EmbCompressError.truncated(path: path, detail: "counts dataset declares \(count) values but stores \(stored) bytes")
    }
    var values = [Double](repeating: 0, count: count)
    let status = values.withUnsafeMutableBytes { H5Dread(id, chdf5_native_double(), chdf5_s_all(), chdf5_s_all(), chdf5_default(), $0.baseAddress) }
    guard status >= 0 else {
      throw EmbCompressError.readFailed(path: path, detail: HDF5Library.lastError(or: "cannot read the counts"))
    }
    return values
  }
}
