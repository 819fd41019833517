import CHDF5

/// Checks, before any read, that a dataset's declared shape is backed by data in the file.
///
/// libhdf5 reads whatever the headers declare: a 1.4 KB file may declare 2⁴⁰ rows (and the fit
/// would size its buffers from that), chunks may be missing (read back as fill values), and the
/// data may live in other files (external storage, virtual datasets: `/etc/passwd` read as a
/// table). Each of those is refused here, with the shape and the bytes actually stored.
enum HDF5StorageCheck {
  /// How far a filtered (compressed) dataset may exceed its stored bytes. deflate's ceiling is
  /// about 1032:1; real embedding tables compress less than 2:1.
  static let largestCompressionRatio = 2048

  /// - Throws: `.malformed` for data outside the file or not stored at all, or declared far
  ///   beyond the stored bytes; `.invalidOption` for external data without `allowExternal`.
  static func check(
    dataset: hid_t, name: String, shape: [Int], elementBytes: Int, fileSize: Int, allowExternal: Bool,
    path: String
  ) throws {
    let shown = UntrustedText.quoted(name)
    let declared = shape.reduce(elementBytes, *)  // overflow-checked by the caller
    let dims = shape.map(String.init).joined(separator: "×")
    let plist = H5Dget_create_plist(dataset)
    guard plist >= 0 else {
      throw EmbCompressError.malformed(path: path, detail: HDF5Library.lastError(or: "cannot read the layout of \(shown)"))
    }
    defer { H5Pclose(plist) }
    let layout = H5Pget_layout(plist)
    let external = H5Pget_external_count(plist)
    if layout == H5D_VIRTUAL || external > 0 {
      guard allowExternal else {
        let kind = layout == H5D_VIRTUAL ? "a virtual dataset (its rows live in other files)" : "stored in external files"
        throw EmbCompressError.invalidOption(path: path, detail: "dataset \(shown) is \(kind); pass --allow-external to read it")
      }
      return
    }
    let stored = Int(clamping: H5Dget_storage_size(dataset))
    guard stored > 0 else {
      throw EmbCompressError.malformed(
        path: path, detail: "dataset \(shown) declares \(dims) but stores no data (only fill values)")
    }
    guard stored <= fileSize else {
      throw EmbCompressError.truncated(
        path: path, detail: "dataset \(shown) needs \(stored) stored bytes but the file holds \(fileSize)")
    }
    switch layout {
    case H5D_CONTIGUOUS, H5D_COMPACT:
      guard stored >= declared else {
        throw EmbCompressError.truncated(
          path: path, detail: "dataset \(shown) declares \(dims) (\(declared) bytes) but stores \(stored)")
      }
      if layout == H5D_CONTIGUOUS {
        let offset = H5Dget_offset(dataset)
        guard offset != chdf5_haddr_undef(), UInt64(offset) <= UInt64(fileSize), UInt64(fileSize) - UInt64(offset) >= UInt64(declared) else {
          throw EmbCompressError.truncated(
            path: path, detail: "the data of dataset \(shown) lies beyond the end of the file (\(fileSize) bytes)")
        }
      }
    case H5D_CHUNKED:
      var chunk = [hsize_t](repeating: 0, count: shape.count)
      guard H5Pget_chunk(plist, Int32(shape.count), &chunk) == shape.count, chunk.allSatisfy({ $0 > 0 }) else {
        throw EmbCompressError.malformed(path: path, detail: "dataset \(shown) has a malformed chunk shape")
      }
      // Chunks per dimension multiplied; at most the declared bytes, so no overflow.
      let expected = zip(shape, chunk).reduce(UInt64(1)) { $0 * ((UInt64($1.0) + $1.1 - 1) / $1.1) }
      let space = H5Dget_space(dataset)
      guard space >= 0 else { throw EmbCompressError.malformed(path: path, detail: HDF5Library.lastError(or: "cannot read \(shown)")) }
      defer { H5Sclose(space) }
      var present: hsize_t = 0
      guard H5Dget_num_chunks(dataset, space, &present) >= 0 else {
        throw EmbCompressError.malformed(path: path, detail: "cannot read the chunk index of dataset \(shown): \(HDF5Library.lastError(or: "HDF5 error"))")
      }
      guard present == expected else {
        throw EmbCompressError.malformed(
          path: path, detail: "dataset \(shown) stores \(present) of its \(expected) chunks (the rest would read as fill values)")
      }
      let filtered = H5Pget_nfilters(plist) > 0
      let bound = filtered ? stored.multipliedReportingOverflow(by: largestCompressionRatio) : (partialValue: stored, overflow: false)
      guard bound.overflow || declared <= bound.partialValue else {
        throw EmbCompressError.malformed(
          path: path,
          detail: "dataset \(shown) declares \(dims) (\(declared) bytes) but stores only \(stored)\(filtered ? ", beyond any compression ratio" : "")")
      }
    default:
      throw EmbCompressError.malformed(path: path, detail: "dataset \(shown) has an unknown storage layout")
    }
  }
}
