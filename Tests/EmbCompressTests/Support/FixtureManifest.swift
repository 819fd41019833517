import Foundation

/// `fixtures/manifest.json`: every committed input, what reading it must give or which error.
struct FixtureManifest: Decodable {
  struct Good: Decodable, CustomTestStringConvertibleShim {
    var file: String
    var args: [String]
    var format: String
    var name: String?
    var rows: Int
    var dim: Int
    var dtype: String
    var byteOrder: String
    var expected: String
    var note: String

    enum CodingKeys: String, CodingKey {
      case file, args, format, name, rows, dim, dtype, byteOrder = "byte_order", expected, note
    }

    var label: String { ([file] + args).joined(separator: " ") }
  }

  struct Bad: Decodable, CustomTestStringConvertibleShim {
    var file: String
    var args: [String]
    var error: String
    var exit: Int32
    var note: String
    var firstRow: Int?
    var firstColumn: Int?
    var count: Int?

    enum CodingKeys: String, CodingKey {
      case file, args, error, exit, note, firstRow = "first_row", firstColumn = "first_column", count
    }

    var label: String { ([file] + args).joined(separator: " ") }
  }

  var good: [Good]
  var bad: [Bad]

  /// The repository's fixtures folder, found from this source file's path.
  static let directory: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("fixtures")

  static let shared: FixtureManifest = {
    let data = try! Data(contentsOf: directory.appendingPathComponent("manifest.json"))
    return try! JSONDecoder().decode(FixtureManifest.self, from: data)
  }()

  static func path(_ relative: String) -> String { directory.appendingPathComponent(relative).path }

  /// The little-endian float32 values numpy wrote for a good fixture.
  static func expectedValues(_ relative: String) throws -> [Float] {
    let data = try Data(contentsOf: directory.appendingPathComponent(relative))
    return data.withUnsafeBytes { raw in
      (0..<(raw.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
    }
  }
}

/// Names parameterised test cases after the fixture, so a failure says which file.
protocol CustomTestStringConvertibleShim: CustomStringConvertible {
  var label: String { get }
}

extension CustomTestStringConvertibleShim {
  var description: String { label }
}
