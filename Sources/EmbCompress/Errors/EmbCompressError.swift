/// Everything that can go wrong in the library, each case carrying what a one-line message needs.
///
/// The CLI turns `category` into a sysexits code; the library itself knows nothing of exit codes.
///
///     do { _ = try openTable("in.h5") }
///     catch let error as EmbCompressError { print(error.message) }  // "in.h5: no such file"
public enum EmbCompressError: Error, Equatable, Sendable, Codable {
  case fileNotFound(path: String)
  case cannotOpen(path: String, reason: String)
  case unrecognizedFormat(path: String)
  case notHDF5(path: String)
  case truncated(path: String, detail: String)
  case malformed(path: String, detail: String)
  case unsupportedElementType(path: String, detail: String)
  case notTwoDimensional(path: String, name: String, shape: [Int])
  case emptyTable(path: String, rows: Int, dim: Int)
  case noTableFound(path: String, detail: String)
  case ambiguousTable(path: String, candidates: [String])
  case tableNotFound(path: String, name: String, candidates: [String])
  case nonFiniteValues(path: String, row: Int, column: Int, count: Int)
  case rawSizeMismatch(path: String, dataBytes: Int, rowBytes: Int)
  case invalidOption(path: String, detail: String)
  /// An id (a row of the rebuilt table) outside `0..<rows`.
  case idOutOfRange(path: String, id: Int, rows: Int)
  /// A table whose shape is not the one a checkpoint rebuilds (`evaluate`).
  case tableMismatch(path: String, rows: Int, dim: Int, checkpoint: String, checkpointRows: Int, checkpointDim: Int)
  /// A bad combination of options that concerns no file in particular.
  case invalidArguments(detail: String)
  case readFailed(path: String, detail: String)
  case cannotCreate(path: String, detail: String)
  case writeFailed(path: String, detail: String)
  /// A limit of the process (address space, say) that leaves too little for the work.
  case resourceLimit(detail: String)
}

extension EmbCompressError {
  /// Which sysexits family the error belongs to.
  public enum Category: Sendable, Equatable {
    case usage, data, noInput, cannotCreate, io
    /// The operating system's limits (EX_OSERR).
    case system
  }

  public var category: Category {
    switch self {
    case .fileNotFound, .cannotOpen: .noInput
    case .invalidOption, .invalidArguments, .ambiguousTable, .tableNotFound, .idOutOfRange: .usage
    case .unrecognizedFormat, .notHDF5, .truncated, .malformed, .unsupportedElementType,
      .notTwoDimensional, .emptyTable, .noTableFound, .nonFiniteValues, .rawSizeMismatch, .tableMismatch:
      .data
    case .readFailed, .writeFailed: .io
    case .cannotCreate: .cannotCreate
    case .resourceLimit: .system
    }
  }

  /// A stable, kebab-case name for the case, used by tests and fixture manifests.
  public var identifier: String {
    switch self {
    case .fileNotFound: "file-not-found"
    case .cannotOpen: "cannot-open"
    case .unrecognizedFormat: "unrecognized-format"
    case .notHDF5: "not-hdf5"
    case .truncated: "truncated"
    case .malformed: "malformed"
    case .unsupportedElementType: "unsupported-element-type"
    case .notTwoDimensional: "not-two-dimensional"
    case .emptyTable: "empty-table"
    case .noTableFound: "no-table-found"
    case .ambiguousTable: "ambiguous-table"
    case .tableNotFound: "table-not-found"
    case .nonFiniteValues: "non-finite-values"
    case .rawSizeMismatch: "raw-size-mismatch"
    case .invalidOption: "invalid-option"
    case .idOutOfRange: "id-out-of-range"
    case .tableMismatch: "table-mismatch"
    case .invalidArguments: "invalid-arguments"
    case .readFailed: "read-failed"
    case .cannotCreate: "cannot-create"
    case .writeFailed: "write-failed"
    case .resourceLimit: "resource-limit"
    }
  }

  /// The file the error is about; empty for `.invalidArguments`.
  public var path: String {
    switch self {
    case .fileNotFound(let path), .cannotOpen(let path, _), .unrecognizedFormat(let path),
      .notHDF5(let path), .truncated(let path, _), .malformed(let path, _),
      .unsupportedElementType(let path, _), .notTwoDimensional(let path, _, _),
      .emptyTable(let path, _, _), .noTableFound(let path, _), .ambiguousTable(let path, _),
      .tableNotFound(let path, _, _), .nonFiniteValues(let path, _, _, _),
      .rawSizeMismatch(let path, _, _), .invalidOption(let path, _), .idOutOfRange(let path, _, _),
      .tableMismatch(let path, _, _, _, _, _),
      .readFailed(let path, _),
      .cannotCreate(let path, _), .writeFailed(let path, _):
      path
    case .invalidArguments, .resourceLimit: ""
    }
  }

  /// What went wrong, without the path.
  public var problem: String {
    switch self {
    case .fileNotFound: return "no such file"
    case .cannotOpen(_, let reason): return "cannot open: \(reason)"
    case .unrecognizedFormat:
      return "not a recognised table format (HDF5, .npy, safetensors); pass --format, or --format raw --dim D"
    case .notHDF5: return "not an HDF5 file (no HDF5 signature)"
    case .truncated(_, let detail): return "truncated: \(detail)"
    case .malformed(_, let detail): return detail
    case .unsupportedElementType(_, let detail): return detail
    case .notTwoDimensional(_, let name, let shape):
      let dims = shape.map(String.init).joined(separator: "×")
      return "\(name) has \(shape.count) dimension\(shape.count == 1 ? "" : "s") (\(dims)); a table needs exactly 2 (rows × dim)"
    case .emptyTable(_, let rows, let dim): return "empty table (\(rows) rows × \(dim) columns)"
    case .noTableFound(_, let detail): return detail
    case .ambiguousTable(_, let candidates):
      return "several tables; choose one: \(UntrustedText.list(candidates))"
    case .tableNotFound(_, let name, let candidates):
      let list = candidates.isEmpty ? "none" : UntrustedText.list(candidates)
      return "no table named \(UntrustedText.escaped(name)); candidates: \(list)"
    case .nonFiniteValues(_, let row, let column, let count):
      return "\(count) non-finite value\(count == 1 ? "" : "s") (NaN or ±Inf); the first at row \(row), column \(column)"
    case .rawSizeMismatch(_, let dataBytes, let rowBytes):
      return "\(dataBytes) data bytes is not a whole number of \(rowBytes)-byte rows (\(dataBytes / rowBytes) rows and \(dataBytes % rowBytes) bytes over); check --dim, --dtype and --offset"
    case .invalidOption(_, let detail), .invalidArguments(let detail): return detail
    case .idOutOfRange(_, let id, let rows):
      return "id \(id) is out of range: the table has \(rows) row\(rows == 1 ? "" : "s") (ids 0 to \(rows - 1))"
    case .tableMismatch(_, let rows, let dim, let checkpoint, let checkpointRows, let checkpointDim):
      return "the table is \(rows) × \(dim), but \(UntrustedText.escaped(checkpoint)) rebuilds \(checkpointRows) × \(checkpointDim); evaluate needs the table the checkpoint was made from"
    case .readFailed(_, let detail): return "read failed: \(detail)"
    case .cannotCreate(_, let detail): return "cannot create: \(detail)"
    case .writeFailed(_, let detail): return "write failed: \(detail)"
    case .resourceLimit(let detail): return detail
    }
  }

  /// One line: the file, then the problem (just the problem when no file is concerned).
  public var message: String { path.isEmpty ? problem : "\(path): \(problem)" }
}

extension EmbCompressError: CustomStringConvertible {
  public var description: String { message }
}
