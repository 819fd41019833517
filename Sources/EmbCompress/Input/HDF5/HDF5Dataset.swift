import CHDF5

/// What the HDF5 reader needs to know of one dataset: where it is, its shape, its type.
struct HDF5Dataset: Sendable {
  var path: String
  var shape: [Int]
  /// The float type the dataset stores, or nil for any other class (integers, strings…).
  var element: (type: ElementType, order: ByteOrder)?
  /// HDF5's name for the type class, for messages about non-float data.
  var typeClass: String
  /// For integer and float types: whether the type's bit fields lie inside its bytes. libhdf5
  /// 1.10.8 trusts them when it converts, and overruns its stack on a type whose precision
  /// exceeds its size (found by FuzzHDF5), so a type that fails this is never read.
  var typeIsWellFormed = true

  /// Reads shape and type of the open dataset `id`.
  init(id: hid_t, path: String) throws {
    self.path = path
    let space = H5Dget_space(id)
    guard space >= 0 else { throw HDF5Dataset.failure("cannot read the dataspace of \(path)") }
    defer { H5Sclose(space) }
    let rank = Int(H5Sget_simple_extent_ndims(space))
    guard rank >= 0 else { throw HDF5Dataset.failure("cannot read the rank of \(path)") }
    var dims = [hsize_t](repeating: 0, count: max(rank, 1))
    if rank > 0 { H5Sget_simple_extent_dims(space, &dims, nil) }
    shape = rank == 0 ? [] : dims.map { Int(clamping: $0) }

    let type = H5Dget_type(id)
    guard type >= 0 else { throw HDF5Dataset.failure("cannot read the type of \(path)") }
    defer { H5Tclose(type) }
    let typeClass = H5Tget_class(type)
    self.typeClass = HDF5Dataset.name(of: typeClass)
    element = nil
    if typeClass == H5T_INTEGER || typeClass == H5T_FLOAT {
      typeIsWellFormed = HDF5Dataset.fieldsFit(type, isFloat: typeClass == H5T_FLOAT)
    }
    if typeClass == H5T_FLOAT {
      let order: ByteOrder = H5Tget_order(type) == H5T_ORDER_BE ? .big : .little
      switch H5Tget_size(type) {
      case 2:
        var (spos, epos, esize, mpos, msize) = (0, 0, 0, 0, 0)
        H5Tget_fields(type, &spos, &epos, &esize, &mpos, &msize)
        element = (esize == 8 ? .bfloat16 : .float16, order)
      case 4: element = (.float32, order)
      case 8: element = (.float64, order)
      default: element = nil
      }
    }
  }

  var isTable: Bool { shape.count == 2 && element != nil }

  /// Whether a number type's bits (precision from offset; for floats also the sign, exponent
  /// and mantissa fields) lie inside its 1, 2, 4 or 8 bytes.
  private static func fieldsFit(_ type: hid_t, isFloat: Bool) -> Bool {
    let size = H5Tget_size(type)
    guard [1, 2, 4, 8].contains(size) else { return false }
    let bits = 8 * size
    let precision = H5Tget_precision(type)
    let offset = H5Tget_offset(type)
    guard precision >= 1, offset >= 0, Int(offset) + precision <= bits else { return false }
    guard isFloat else { return true }
    var (spos, epos, esize, mpos, msize) = (0, 0, 0, 0, 0)
    guard H5Tget_fields(type, &spos, &epos, &esize, &mpos, &msize) >= 0 else { return false }
    return spos < bits && esize >= 1 && epos + esize <= bits && msize >= 1 && mpos + msize <= bits
  }

  /// "path (rows×dim f32)", as candidates are listed in messages.
  var summary: String {
    let dims = shape.map(String.init).joined(separator: "×")
    // The path comes from the file: escaped, so it cannot forge lines or terminal escapes.
    return "\(UntrustedText.escaped(path)) (\(dims) \(element?.type.rawValue ?? typeClass))"
  }

  private static func name(of typeClass: H5T_class_t) -> String {
    switch typeClass {
    case H5T_INTEGER: "integer"
    case H5T_FLOAT: "float"
    case H5T_STRING: "string"
    case H5T_COMPOUND: "compound"
    case H5T_ENUM: "enum"
    case H5T_ARRAY: "array"
    case H5T_BITFIELD: "bitfield"
    case H5T_OPAQUE: "opaque"
    case H5T_REFERENCE: "reference"
    case H5T_VLEN: "variable-length"
    case H5T_TIME: "time"
    default: "unknown"
    }
  }

  private static func failure(_ fallback: String) -> HDF5Failure {
    HDF5Failure(message: HDF5Library.lastError(or: fallback))
  }
}

/// An HDF5 call failed; the reader turns it into an `EmbCompressError` naming the file.
struct HDF5Failure: Error {
  var message: String
}
