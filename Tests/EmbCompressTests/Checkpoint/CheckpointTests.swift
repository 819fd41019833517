import Crypto
import EmbCompress
import Foundation
import Testing

@Suite struct CheckpointTests {
  private func qrTables(rows: Int = 10, dim: Int = 3, m: Int = 4, operation: CombineOperation = .mult) throws -> CompositionalTables {
    let layout = try CompositionalLayout(rows: rows, dim: dim, scheme: .qr, operation: operation, sizing: .collisions(m))
    return CompositionalTables(
      layout: layout,
      weights: layout.partitions.enumerated().map { j, p in (0..<p.parameterCount).map { Float($0) * 0.25 + Float(j) + 0.1 } })
  }

  @Test(arguments: StoragePrecision.allCases)
  func serializesAsStrictSafetensorsWithTheRuleInItsMetadata(_ precision: StoragePrecision) throws {
    let tables = try qrTables()
    let checkpoint = Checkpoint(tables: tables, precision: precision, source: "in.h5:/emb", relativeError: 0.125)
    let bytes = checkpoint.serialized()
    let headerLength = bytes.withUnsafeBytes { Int($0.loadUnaligned(as: UInt64.self).littleEndian) }
    #expect((8 + headerLength) % 8 == 0)

    let header = try bytes.withUnsafeBytes { try SafetensorsHeader(bytes: $0, path: "t.qr") }
    #expect(header.tensors.map(\.name) == ["weight_q", "weight_r"])
    #expect(header.tensors.map(\.shape) == [[3, 3], [4, 3]])
    #expect(header.tensors.allSatisfy { $0.dtype.rawValue == precision.rawValue.uppercased() })
    let metadata = header.metadata
    #expect(metadata["format"] == "embcompress.qr/1")
    #expect(metadata["rows"] == "10")
    #expect(metadata["dim"] == "3")
    #expect(metadata["scheme"] == "qr")
    #expect(metadata["operation"] == "mult")
    #expect(metadata["source"] == "in.h5:/emb")
    #expect(metadata["relative_error"] == "0.125")
    let partitions = try #require(
      try JSONSerialization.jsonObject(with: Data(metadata["partitions"]!.utf8)) as? [[String: Any]])
    #expect(partitions.map { $0["tensor"] as? String } == ["weight_q", "weight_r"])
    #expect(partitions.map { $0["divisor"] as? Int } == [4, 1])
    #expect(partitions.map { $0["modulus"] as? Int } == [3, 4])
    #expect(partitions.map { $0["dim"] as? Int } == [3, 3])

    let data = Data(bytes[header.dataOffset...])
    #expect(metadata["sha256"] == SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined())
    #expect(checkpoint.tensorBytes == data.count)
  }

  @Test func storesValuesAtThePrecisionItNames() throws {
    let tables = try qrTables()
    let bytes = Checkpoint(tables: tables, precision: .bf16, source: "x", relativeError: 0).serialized()
    let header = try bytes.withUnsafeBytes { try SafetensorsHeader(bytes: $0, path: "t.qr") }
    let r = try #require(header.tensor(named: "weight_r"))
    let first = bytes.withUnsafeBytes {
      $0.loadUnaligned(fromByteOffset: header.dataOffset + r.span.lowerBound, as: UInt16.self).littleEndian
    }
    #expect(Float(bitPattern: UInt32(first) << 16) == StoragePrecision.bf16.round(tables.weights[1][0]))
  }

  @Test func sameTablesGiveTheSameBytes() throws {
    let a = Checkpoint(tables: try qrTables(), precision: .f16, source: "s", relativeError: 0.5).serialized()
    let b = Checkpoint(tables: try qrTables(), precision: .f16, source: "s", relativeError: 0.5).serialized()
    #expect(a == b)
  }

  @Test func metadataStringsAreEscaped() throws {
    let bytes = Checkpoint(tables: try qrTables(), precision: .f32, source: "we\"ird\\name\n.h5", relativeError: 0)
      .serialized()
    let header = try bytes.withUnsafeBytes { try SafetensorsHeader(bytes: $0, path: "t.qr") }
    #expect(header.metadata["source"] == "we\"ird\\name\n.h5")
  }
}
