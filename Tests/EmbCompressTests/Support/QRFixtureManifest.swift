import Foundation

/// `fixtures/bad-qr/manifest.json`: the committed `.qr` checkpoints, what each good one rebuilds
/// and which error each bad one must give.
struct QRFixtureManifest: Decodable {
  struct Good: Decodable, CustomTestStringConvertibleShim {
    struct PartitionEntry: Decodable {
      var tensor: String
      var divisor: Int
      var modulus: Int
      var dim: Int
    }

    var file: String
    var expected: String
    var rows: Int
    var dim: Int
    var scheme: String
    var operation: String
    var precision: String
    /// The first term's partitions.
    var partitions: [PartitionEntry]
    /// Format 2's extras; absent for format-1 files.
    var terms: Int?
    var projectionRank: Int?
    var exactIDs: [Int]?
    var note: String

    var label: String { file }
    var isFormatTwo: Bool { (terms ?? 1) > 1 || projectionRank != nil || !(exactIDs ?? []).isEmpty }

    private enum CodingKeys: String, CodingKey {
      case file, expected, rows, dim, scheme, operation, precision, partitions, terms, note
      case projectionRank = "projection_rank", exactIDs = "exact_ids"
    }
  }

  struct Bad: Decodable, CustomTestStringConvertibleShim {
    var file: String
    var error: String
    var exit: Int32
    /// A piece of the one-line message, naming the check that must catch it.
    var detail: String
    var note: String

    var label: String { file }
  }

  var good: [Good]
  var bad: [Bad]

  static let shared: QRFixtureManifest = {
    let url = FixtureManifest.directory.appendingPathComponent("bad-qr/manifest.json")
    return try! JSONDecoder().decode(QRFixtureManifest.self, from: Data(contentsOf: url))
  }()
}
