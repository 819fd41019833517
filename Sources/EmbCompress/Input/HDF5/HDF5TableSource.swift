import CHDF5

#if canImport(Glibc)
  import Glibc
#endif

/// A 2-D float dataset in an HDF5 file, read in row blocks by hyperslab.
///
/// HDF5 converts f16, f64 and big-endian values to native `Float` during the read, and the
/// blocks follow the dataset's chunking so each compressed chunk is decoded once per pass.
public final class HDF5TableSource: TableSource {
  public let info: TableInfo
  public let preferredRowMultiple: Int
  private let file: hid_t
  private let dataset: hid_t
  private let fileSpace: hid_t

  /// Opens dataset `name` (`/group/name`), or, without one, the only 2-D float dataset in the file.
  ///
  /// The file is untrusted: before any row is read its declared shape is checked against the
  /// bytes it stores (`HDF5StorageCheck`), and, without `allowExternal`, data in other files
  /// (external storage, virtual datasets, external links) is refused.
  public init(path: String, name: String?, allowExternal: Bool = false) throws {
    HDF5Library.prepare()
    let fileSize = Int(try RegularFile.check(path).st_size)
    try HDF5TableSource.checkSignature(path: path)
    let access = chdf5_dataset_access(allowExternal ? 0 : 1)
    guard access >= 0 else { throw EmbCompressError.malformed(path: path, detail: HDF5Library.lastError(or: "HDF5 cannot start")) }
    defer { H5Pclose(access) }
    let file = H5Fopen(path, chdf5_acc_rdonly(), chdf5_default())
    guard file >= 0 else {
      let message = HDF5Library.lastError(or: "cannot open")
      if message.localizedCaseInsensitiveContains("truncated") {
        throw EmbCompressError.truncated(path: path, detail: message)
      }
      throw EmbCompressError.malformed(path: path, detail: "HDF5 cannot open it: \(message)")
    }
    self.file = file
    var opened: hid_t = -1
    var space: hid_t = -1
    do {
      let candidates = try HDF5TableSource.datasets(in: file, path: path, access: access)
      let tables = candidates.filter(\.isTable)
      let chosen: HDF5Dataset
      if let name {
        let wanted = name.hasPrefix("/") ? name : "/" + name
        if let named = candidates.first(where: { $0.path == wanted }) {
          chosen = named
        } else if HDF5TableSource.isExternalLink(wanted, in: file) {
          // Listing follows no external link, so the name was not among the candidates.
          guard allowExternal else {
            throw EmbCompressError.invalidOption(
              path: path, detail: "\(UntrustedText.quoted(wanted)) is an external link to another file; pass --allow-external to read it")
          }
          let id = H5Dopen2(file, wanted, access)
          guard id >= 0 else {
            throw EmbCompressError.malformed(path: path, detail: HDF5Library.lastError(or: "cannot open \(UntrustedText.quoted(wanted))"))
          }
          defer { H5Dclose(id) }
          chosen = try HDF5Dataset(id: id, path: wanted)
        } else {
          throw EmbCompressError.tableNotFound(path: path, name: wanted, candidates: tables.map(\.summary))
        }
      } else {
        guard tables.count <= 1 else {
          throw EmbCompressError.ambiguousTable(path: path, candidates: tables.map { "--dataset " + $0.summary })
        }
        guard let only = tables.first else {
          let found = candidates.isEmpty ? "no datasets" : "datasets: " + candidates.map(\.summary).joined(separator: ", ")
          throw EmbCompressError.noTableFound(path: path, detail: "no 2-D floating-point dataset (\(found))")
        }
        chosen = only
      }
      guard chosen.typeIsWellFormed else {
        throw EmbCompressError.malformed(
          path: path, detail: "dataset \(UntrustedText.quoted(chosen.path)) has a malformed number type (its bits lie outside its bytes)")
      }
      guard let element = chosen.element else {
        throw EmbCompressError.unsupportedElementType(
          path: path, detail: "dataset \(UntrustedText.quoted(chosen.path)) holds \(chosen.typeClass) values; a table must be floating point")
      }
      guard chosen.shape.count == 2 else {
        throw EmbCompressError.notTwoDimensional(path: path, name: "dataset \(UntrustedText.quoted(chosen.path))", shape: chosen.shape)
      }
      guard chosen.shape[0] > 0, chosen.shape[1] > 0 else {
        throw EmbCompressError.emptyTable(path: path, rows: chosen.shape[0], dim: chosen.shape[1])
      }
      let (count, overflow) = chosen.shape[0].multipliedReportingOverflow(by: chosen.shape[1])
      guard !overflow, !count.multipliedReportingOverflow(by: 8).overflow else {
        throw EmbCompressError.malformed(path: path, detail: "dataset \(UntrustedText.quoted(chosen.path)) is too large to address")
      }
      opened = H5Dopen2(file, chosen.path, access)
      guard opened >= 0 else {
        throw EmbCompressError.malformed(
          path: path, detail: HDF5Library.lastError(or: "cannot open \(UntrustedText.quoted(chosen.path))"))
      }
      // Behind an (allowed) external link the data is in the linked file, of another size.
      var holderSize = fileSize
      let holder = H5Iget_file_id(opened)
      if holder >= 0 {
        var size: hsize_t = 0
        if allowExternal, H5Fget_filesize(holder, &size) >= 0 { holderSize = Int(clamping: size) }
        H5Fclose(holder)
      }
      try HDF5StorageCheck.check(
        dataset: opened, name: chosen.path, shape: chosen.shape,
        elementBytes: element.type.byteSize, fileSize: holderSize, allowExternal: allowExternal, path: path)
      space = H5Dget_space(opened)
      guard space >= 0 else {
        throw EmbCompressError.malformed(
          path: path, detail: HDF5Library.lastError(or: "cannot read \(UntrustedText.quoted(chosen.path))"))
      }
      preferredRowMultiple = HDF5TableSource.chunkRows(of: opened)
      info = TableInfo(
        path: path, format: .hdf5, name: chosen.path, rows: chosen.shape[0], dim: chosen.shape[1],
        elementType: element.type, byteOrder: element.order)
    } catch {
      if space >= 0 { H5Sclose(space) }
      if opened >= 0 { H5Dclose(opened) }
      H5Fclose(file)
      if let failure = error as? HDF5Failure {
        throw EmbCompressError.malformed(path: path, detail: failure.message)
      }
      throw error
    }
    dataset = opened
    fileSpace = space
  }

  deinit {
    H5Sclose(fileSpace)
    H5Dclose(dataset)
    H5Fclose(file)
  }

  /// A failed read is corrupt data (exit 65): libhdf5 reports a bad chunk or checksum this way.
  public func readRows(_ range: Range<Int>, into buffer: UnsafeMutableBufferPointer<Float>) throws {
    // Error printing is silenced per thread in thread-safe builds; this may be a new thread.
    HDF5Library.silenceThisThread()
    var start: [hsize_t] = [hsize_t(range.lowerBound), 0]
    var count: [hsize_t] = [hsize_t(range.count), hsize_t(info.dim)]
    guard H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &start, nil, &count, nil) >= 0 else {
      throw EmbCompressError.readFailed(path: info.path, detail: HDF5Library.lastError(or: "cannot select rows"))
    }
    let memory = H5Screate_simple(2, &count, nil)
    guard memory >= 0 else {
      throw EmbCompressError.readFailed(path: info.path, detail: HDF5Library.lastError(or: "cannot create a dataspace"))
    }
    defer { H5Sclose(memory) }
    guard H5Dread(dataset, chdf5_native_float(), memory, fileSpace, chdf5_default(), buffer.baseAddress) >= 0 else {
      let first = range.lowerBound
      throw EmbCompressError.malformed(
        path: info.path,
        detail: "cannot read rows \(first)..<\(range.upperBound) of \(UntrustedText.quoted(info.name ?? "the dataset")): \(HDF5Library.lastError(or: "H5Dread failed"))")
    }
  }

  /// The paths of the 2-D float datasets in `path`, in name order, read in this process; the
  /// listing behind `--all-tables` and `--dataset` globs. It follows no external link.
  static func tableNames(path: String) throws -> [String] {
    HDF5Library.prepare()
    try RegularFile.check(path)
    try checkSignature(path: path)
    let access = chdf5_dataset_access(1)
    guard access >= 0 else { throw EmbCompressError.malformed(path: path, detail: HDF5Library.lastError(or: "HDF5 cannot start")) }
    defer { H5Pclose(access) }
    let file = H5Fopen(path, chdf5_acc_rdonly(), chdf5_default())
    guard file >= 0 else {
      throw EmbCompressError.malformed(path: path, detail: "HDF5 cannot open it: \(HDF5Library.lastError(or: "cannot open"))")
    }
    defer { H5Fclose(file) }
    do {
      return try datasets(in: file, path: path, access: access).filter(\.isTable).map(\.path)
    } catch let failure as HDF5Failure {
      throw EmbCompressError.malformed(path: path, detail: failure.message)
    }
  }

  /// Refuses files without the HDF5 signature before libhdf5 sees them, with the usual
  /// missing-file and permission errors.
  static func checkSignature(path: String) throws {
    guard TableFormat(signature: try FilePrefix.read(path, count: 8)) == .hdf5 else {
      throw EmbCompressError.notHDF5(path: path)
    }
  }

  /// Every dataset in the file, in name order, with its shape and type.
  static func datasets(in file: hid_t, path: String, access: hid_t) throws -> [HDF5Dataset] {
    final class Box { var paths: [String] = [] }
    let box = Box()
    let unmanaged = Unmanaged.passRetained(box)
    defer { unmanaged.release() }
    let status = H5Ovisit2(
      file, H5_INDEX_NAME, H5_ITER_INC,
      { _, name, info, context in
        let box = Unmanaged<Box>.fromOpaque(context!).takeUnretainedValue()
        if let name, let info, info.pointee.type == H5O_TYPE_DATASET {
          box.paths.append("/" + String(cString: name))
        }
        return 0
      }, unmanaged.toOpaque(), UInt32(H5O_INFO_BASIC))
    guard status >= 0 else {
      throw EmbCompressError.malformed(path: path, detail: HDF5Library.lastError(or: "cannot list its datasets"))
    }
    return try box.paths.map { datasetPath in
      let id = H5Dopen2(file, datasetPath, access)
      guard id >= 0 else {
        throw EmbCompressError.malformed(
          path: path, detail: HDF5Library.lastError(or: "cannot open \(UntrustedText.quoted(datasetPath))"))
      }
      defer { H5Dclose(id) }
      return try HDF5Dataset(id: id, path: datasetPath)
    }
  }

  /// Whether `name` is an external link (its last component; an external link on the way to
  /// it is refused by the access list when the dataset is opened).
  private static func isExternalLink(_ name: String, in file: hid_t) -> Bool {
    guard H5Lexists(file, name, chdf5_default()) > 0 else { return false }
    var info = H5L_info_t()
    guard H5Lget_info(file, name, &info, chdf5_default()) >= 0 else { return false }
    return info.type == H5L_TYPE_EXTERNAL
  }

  /// The chunk height of a chunked dataset, else 1.
  private static func chunkRows(of dataset: hid_t) -> Int {
    let plist = H5Dget_create_plist(dataset)
    guard plist >= 0 else { return 1 }
    defer { H5Pclose(plist) }
    guard H5Pget_layout(plist) == H5D_CHUNKED else { return 1 }
    var chunk: [hsize_t] = [0, 0]
    guard H5Pget_chunk(plist, 2, &chunk) == 2, chunk[0] > 0 else { return 1 }
    return Int(chunk[0])
  }
}
