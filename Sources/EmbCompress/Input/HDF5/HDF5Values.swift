import CHDF5

#if canImport(Glibc)
  import Glibc
#endif

/// A 1-D numeric HDF5 dataset, read whole as `Double`s: HDF5 counts (`--counts-dataset`).
///
/// The file is as untrusted as a table: the declared length is checked against the stored bytes
/// before anything is allocated from it, and data in other files is refused without
/// `allowExternal`. Opening and reading are separate steps so that the child reader
/// (`HDF5ChildServer`) can tell the parent the length, and the parent size the shared memory,
/// before the read.
///
///     let counts = try HDF5Values(path: "stats.h5", dataset: "/counts")
///     var values = [Double](repeating: 0, count: counts.count)
///     try values.withUnsafeMutableBufferPointer { try counts.read(into: $0) }
final class HDF5Values {
  let count: Int
  private let path: String
  private let file: hid_t
  private let dataset: hid_t

  init(path: String, dataset name: String, allowExternal: Bool = false) throws {
    HDF5Library.prepare()
    let fileSize = Int(try RegularFile.check(path).st_size)
    try HDF5TableSource.checkSignature(path: path)
    let shown = UntrustedText.quoted(name)
    let access = chdf5_dataset_access(allowExternal ? 0 : 1)
    guard access >= 0 else { throw EmbCompressError.malformed(path: path, detail: HDF5Library.lastError(or: "HDF5 cannot start")) }
    defer { H5Pclose(access) }
    let file = H5Fopen(path, chdf5_acc_rdonly(), chdf5_default())
    guard file >= 0 else {
      throw EmbCompressError.malformed(path: path, detail: "HDF5 cannot open it: \(HDF5Library.lastError(or: "cannot open"))")
    }
    let id = H5Dopen2(file, name, access)
    guard id >= 0 else {
      // A dataset that is there but cannot be opened is a malformed file, not a wrong name.
      let message = HDF5Library.lastError(or: "cannot open \(shown)")
      let exists = H5Lexists(file, name, chdf5_default()) > 0
      H5Fclose(file)
      if exists { throw EmbCompressError.malformed(path: path, detail: "cannot open counts dataset \(shown): \(message)") }
      throw EmbCompressError.tableNotFound(path: path, name: name, candidates: [])
    }
    do {
      let described: HDF5Dataset
      do { described = try HDF5Dataset(id: id, path: name) } catch let failure as HDF5Failure {
        throw EmbCompressError.malformed(path: path, detail: failure.message)
      }
      guard described.shape.count == 1 else {
        throw EmbCompressError.malformed(path: path, detail: "counts dataset \(shown) has shape \(described.shape), not 1-D")
      }
      guard described.typeClass == "integer" || described.typeClass == "float" else {
        throw EmbCompressError.unsupportedElementType(path: path, detail: "counts dataset \(shown) holds \(described.typeClass) values")
      }
      guard described.typeIsWellFormed else {
        throw EmbCompressError.malformed(path: path, detail: "counts dataset \(shown) has a malformed number type (its bits lie outside its bytes)")
      }
      let type = H5Dget_type(id)
      let elementBytes = type >= 0 ? Int(H5Tget_size(type)) : 0
      if type >= 0 { H5Tclose(type) }
      guard elementBytes > 0 else { throw EmbCompressError.malformed(path: path, detail: "counts dataset \(shown) has a malformed type") }
      let count = described.shape[0]
      // Also bounds the `Double`s the caller allocates (8 bytes each).
      guard !count.multipliedReportingOverflow(by: max(elementBytes, 8)).overflow else {
        throw EmbCompressError.malformed(path: path, detail: "counts dataset \(shown) is too large to address")
      }
      try HDF5StorageCheck.check(
        dataset: id, name: name, shape: described.shape, elementBytes: elementBytes, fileSize: fileSize,
        allowExternal: allowExternal, path: path)
      self.count = count
    } catch {
      H5Dclose(id)
      H5Fclose(file)
      throw error
    }
    self.path = path
    self.file = file
    self.dataset = id
  }

  deinit {
    H5Dclose(dataset)
    H5Fclose(file)
  }

  /// Reads all `count` values, converted by HDF5 to native `Double`, into `buffer`.
  func read(into buffer: UnsafeMutableBufferPointer<Double>) throws {
    precondition(buffer.count >= count)
    HDF5Library.silenceThisThread()
    guard H5Dread(dataset, chdf5_native_double(), chdf5_s_all(), chdf5_s_all(), chdf5_default(), buffer.baseAddress) >= 0 else {
      throw EmbCompressError.malformed(path: path, detail: "cannot read the counts: \(HDF5Library.lastError(or: "H5Dread failed"))")
    }
  }

  /// Opens and reads `dataset` in this process.
  static func read(path: String, dataset: String, allowExternal: Bool = false) throws -> [Double] {
    let values = try HDF5Values(path: path, dataset: dataset, allowExternal: allowExternal)
    var result = [Double](repeating: 0, count: values.count)
    try result.withUnsafeMutableBufferPointer { try values.read(into: $0) }
    return result
  }
}
