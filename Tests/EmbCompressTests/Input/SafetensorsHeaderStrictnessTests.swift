import EmbCompress
import Foundation
import Testing

/// The safetensors header parser reads `.qr` files from anywhere; what it must refuse.
@Suite struct SafetensorsHeaderStrictnessTests {
  /// A file of `header` (JSON text, padded) and `dataBytes` zero bytes.
  private func parse(_ header: String, dataBytes: Int) throws -> SafetensorsHeader {
    var json = Array(header.utf8)
    json += [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8)
    let file = withUnsafeBytes(of: UInt64(json.count).littleEndian, Array.init) + json + [UInt8](repeating: 0, count: dataBytes)
    return try file.withUnsafeBytes { try SafetensorsHeader(bytes: $0, path: "t.safetensors") }
  }

  @Test func readsIntegers() throws {
    let header = try parse(#"{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}}"#, dataBytes: 24)
    #expect(header.tensors.map(\.shape) == [[2, 3]])
  }

  @Test(arguments: ["[true,3]", "[2.0,3]", "[2,3e0]", "[\"2\",3]", "[null,3]"])
  func refusesShapesThatAreNotIntegers(_ shape: String) {
    #expect(throws: EmbCompressError.malformed(path: "t.safetensors", detail: "tensor 'w' has no shape of non-negative integers")) {
      try parse(#"{"w":{"dtype":"F32","shape":"# + shape + #","data_offsets":[0,24]}}"#, dataBytes: 24)
    }
  }

  @Test func refusesBooleanOffsets() {
    #expect(throws: EmbCompressError.malformed(path: "t.safetensors", detail: "tensor 'w' has no valid data_offsets [begin, end]")) {
      try parse(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[false,true]}}"#, dataBytes: 4)
    }
  }

  @Test func quotesHostileNamesOnOneLine() {
    #expect(throws: EmbCompressError.malformed(path: "t.safetensors", detail: #"tensor 'a\nb' has unknown dtype 'F\t32'"#)) {
      try parse(#"{"a\nb":{"dtype":"F\t32","shape":[1],"data_offsets":[0,4]}}"#, dataBytes: 4)
    }
  }
}
