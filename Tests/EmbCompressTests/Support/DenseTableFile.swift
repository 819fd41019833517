import EmbCompress
import Foundation

/// Reads back a dense table embcompress wrote, through the library's own readers.
enum DenseTableFile {
  /// Every value of the table in `path`, row-major, with its shape and (for HDF5) dataset.
  static func read(_ path: String, options: TableOpenOptions = TableOpenOptions()) throws
    -> (values: [Float], rows: Int, dim: Int, name: String?, elementType: ElementType)
  {
    let table = try openTable(path, options: options)
    var values: [Float] = []
    try table.forEachBlock { values += $0.values }
    return (values, table.info.rows, table.info.dim, table.info.name, table.info.elementType)
  }

  /// The names in `directory`, sorted: what a test checks for leftover temporary files.
  static func listing(_ directory: TemporaryDirectory) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
  }

  static func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }
}
