import EmbCompress
import Foundation

/// What `embcompress inspect` reports about a `.qr` checkpoint that loaded (and so passed every
/// check, its SHA-256 included).
struct CheckpointSummary: Encodable {
  var path: String
  /// The table read, in a file of several; `tables` lists them all.
  var table: String?
  var tables: [String]?
  var format: String
  var rows: Int
  var dim: Int
  var scheme: PartitionScheme
  var operation: CombineOperation
  /// Every term's partitions, in file order.
  var partitions: [Partition]
  var terms: Int
  var projectionRank: Int?
  var exactRows: Int
  var precision: StoragePrecision
  var fileBytes: Int
  var tensorBytes: Int
  /// The float32 input's bytes (rows × dim × 4) over the tensor bytes.
  var compressionRatio: Double
  var source: String
  /// What wrote the file (`embcompress 0.1.0`); nil for a writer that does not say.
  var producer: String?
  var relativeError: Double
  var sha256: String
  /// Always true: a checkpoint whose digest does not match is refused before this exists.
  var sha256Verified: Bool

  init(_ table: CompressedTable) {
    path = table.path
    self.table = table.tableName
    tables = table.tableNames.isEmpty ? nil : table.tableNames
    format = table.metadata.format
    rows = table.rows
    dim = table.dim
    scheme = table.rule.scheme
    operation = table.rule.terms[0].operation
    partitions = table.rule.terms.flatMap(\.partitions)
    terms = table.rule.terms.count
    projectionRank = table.rule.projectionRank
    exactRows = table.rule.exactRowCount
    precision = table.precision
    fileBytes = table.fileBytes
    tensorBytes = table.tensorBytes
    compressionRatio = table.compressionRatio
    source = table.metadata.source
    producer = table.metadata.entries["producer"]
    relativeError = table.metadata.relativeError
    sha256 = table.metadata.sha256
    sha256Verified = true
  }

  private enum CodingKeys: String, CodingKey {
    case path, table, tables, format, rows, dim, scheme, operation, partitions, terms, precision
    case projectionRank = "projection_rank", exactRows = "exact_rows"
    case fileBytes = "file_bytes", tensorBytes = "tensor_bytes", compressionRatio = "compression_ratio"
    case source, producer, relativeError = "relative_error", sha256, sha256Verified = "sha256_verified"
  }

  func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(path, forKey: .path)
    try container.encode(format, forKey: .format)
    try container.encode(rows, forKey: .rows)
    try container.encode(dim, forKey: .dim)
    try container.encode(scheme, forKey: .scheme)
    try container.encode(operation, forKey: .operation)
    try container.encode(partitions, forKey: .partitions)
    try container.encode(terms, forKey: .terms)
    try container.encodeIfPresent(projectionRank, forKey: .projectionRank)
    try container.encode(exactRows, forKey: .exactRows)
    try container.encodeIfPresent(table, forKey: .table)
    try container.encodeIfPresent(tables, forKey: .tables)
    try container.encode(precision, forKey: .precision)
    try container.encode(fileBytes, forKey: .fileBytes)
    try container.encode(tensorBytes, forKey: .tensorBytes)
    try container.encode(compressionRatio, forKey: .compressionRatio)
    try container.encode(source, forKey: .source)
    // An explicit null when the writer did not say, so the key is always there.
    try container.encode(producer, forKey: .producer)
    try container.encode(relativeError, forKey: .relativeError)
    try container.encode(sha256, forKey: .sha256)
    try container.encode(sha256Verified, forKey: .sha256Verified)
  }

  /// Aligned text, as `info` prints it.
  var text: String {
    var pairs: [(String, String)] = [("format", format)]
    if let table, let tables {
      pairs.append(("table", "\(UntrustedText.escaped(table)) (one of \(tables.count))"))
    }
    pairs += [
      ("rows", TextTable.grouped(rows)),
      ("dim", TextTable.grouped(dim)),
      ("scheme", scheme.rawValue),
      ("operation", operation.rawValue),
    ]
    let names = partitions.map { UntrustedText.escaped($0.tensor) }
    let nameWidth = names.map(\.count).max() ?? 0
    func column(_ values: [Int]) -> [String] {
      let texts = values.map(TextTable.grouped)
      let width = texts.map(\.count).max() ?? 0
      return texts.map { String(repeating: " ", count: width - $0.count) + $0 }
    }
    let divisors = column(partitions.map(\.divisor))
    let moduli = column(partitions.map(\.modulus))
    let dims = column(partitions.map(\.dim))
    for index in partitions.indices {
      let name = names[index].padding(toLength: nameWidth, withPad: " ", startingAt: 0)
      pairs.append(
        (index == 0 ? "partitions" : "", "\(name)  divisor \(divisors[index])  modulus \(moduli[index])  dim \(dims[index])"))
    }
    if terms > 1 { pairs.append(("terms", "\(terms), summed")) }
    if let projectionRank { pairs.append(("projection", "\(projectionRank) × \(dim)")) }
    if exactRows > 0 { pairs.append(("exact rows", TextTable.grouped(exactRows))) }
    pairs += [
      ("precision", precision.rawValue),
      ("file bytes", "\(TextTable.grouped(fileBytes)) (\(TextTable.byteSize(fileBytes)))"),
      ("tensor bytes", "\(TextTable.grouped(tensorBytes)) (\(TextTable.byteSize(tensorBytes)))"),
      ("compression", String(format: "%.2f× vs float32 (%@)", compressionRatio, TextTable.byteSize(rows * dim * 4))),
      ("source", UntrustedText.escaped(source)),
      ("producer", producer.map(UntrustedText.escaped) ?? "(not recorded)"),
      ("relative error", String(format: "%.6g", relativeError)),
      ("sha256", "\(sha256) (verified)"),
    ]
    return path + "\n" + TextTable.lines(pairs)
  }
}
