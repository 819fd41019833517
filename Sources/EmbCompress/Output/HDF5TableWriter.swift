import CHDF5

/// Writes an HDF5 file holding the table as the float32 little-endian dataset `/embeddings`,
/// contiguous, each block of rows written as a hyperslab.
///
/// libhdf5 opens files by name, so it writes the `AtomicOutput`'s temporary file by its path
/// (truncating the empty file `mkstemp` made, the same inode); the output commits as usual.
final class HDF5TableWriter: DenseTableWriter {
  /// The final output, for messages.
  private let path: String
  private let dim: Int
  private var file: hid_t = -1
  private var dataset: hid_t = -1
  private var fileSpace: hid_t = -1
  private var nextRow = 0

  init(output: AtomicOutput, rows: Int, dim: Int) throws {
    HDF5Library.prepare()
    path = output.path
    self.dim = dim
    file = H5Fcreate(output.temporaryPath, chdf5_acc_trunc(), chdf5_default(), chdf5_default())
    guard file >= 0 else {
      throw EmbCompressError.cannotCreate(path: path, detail: HDF5Library.lastError(or: "HDF5 cannot create the file"))
    }
    var shape: [hsize_t] = [hsize_t(rows), hsize_t(dim)]
    fileSpace = H5Screate_simple(2, &shape, nil)
    guard fileSpace >= 0 else { throw failure("cannot create a dataspace") }
    dataset = H5Dcreate2(
      file, OutputTableFormat.hdf5Dataset, chdf5_ieee_f32le(), fileSpace, chdf5_default(), chdf5_default(),
      chdf5_default())
    guard dataset >= 0 else { throw failure("cannot create \(OutputTableFormat.hdf5Dataset)") }
  }

  deinit { _ = closeAll() }

  func append(_ rows: UnsafeBufferPointer<Float>) throws {
    let count = rows.count / dim
    guard count > 0 else { return }
    var start: [hsize_t] = [hsize_t(nextRow), 0]
    var size: [hsize_t] = [hsize_t(count), hsize_t(dim)]
    guard H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &start, nil, &size, nil) >= 0 else {
      throw failure("cannot select rows \(nextRow)..<\(nextRow + count)")
    }
    let memory = H5Screate_simple(2, &size, nil)
    guard memory >= 0 else { throw failure("cannot create a dataspace") }
    defer { H5Sclose(memory) }
    guard H5Dwrite(dataset, chdf5_native_float(), memory, fileSpace, chdf5_default(), rows.baseAddress) >= 0 else {
      throw failure("rows \(nextRow)..<\(nextRow + count)")
    }
    nextRow += count
  }

  /// Closes the dataset and the file; closing the file is when HDF5 flushes, so its failure
  /// (a full disk, say) is a failed write.
  func finish() throws {
    guard closeAll() else { throw failure("cannot close the file") }
  }

  /// Closes whatever is open; false when any close failed.
  private func closeAll() -> Bool {
    var ok = true
    if dataset >= 0 { ok = H5Dclose(dataset) >= 0 && ok }
    if fileSpace >= 0 { ok = H5Sclose(fileSpace) >= 0 && ok }
    if file >= 0 { ok = H5Fclose(file) >= 0 && ok }
    (dataset, fileSpace, file) = (-1, -1, -1)
    return ok
  }

  private func failure(_ what: String) -> EmbCompressError {
    .writeFailed(path: path, detail: "\(what): \(HDF5Library.lastError(or: "HDF5 error"))")
  }
}
