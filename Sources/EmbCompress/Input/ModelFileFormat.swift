/// Model files that hold tables embcompress cannot read directly: PyTorch checkpoints (zip
/// archives with a `data.pkl`, and the legacy pickles `torch.save` wrote before 1.6) and ONNX.
///
/// Told apart by content, not name, so a `pytorch_model.bin` is never taken for raw floats (its
/// bytes would read as nonsense values). Each is refused with one line saying how to export a
/// safetensors file, which embcompress does read, tensor by tensor.
enum ModelFileFormat: Equatable {
  case pytorchZip
  case pickle
  case onnx

  /// How much of the file's start `init(prefix:tail:pathExtension:)` looks at.
  static let prefixBytes = 512
  /// How much of the file's end: a zip archive's central directory of a few hundred members.
  static let tailBytes = 1 << 16

  /// - Parameters:
  ///   - prefix: the file's first bytes (up to `prefixBytes`).
  ///   - tail: its last bytes (up to `tailBytes`), needed only for a zip archive.
  init?(prefix: [UInt8], tail: () throws -> [UInt8], pathExtension: String) throws {
    if prefix.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
      // torch.save writes `<name>/data.pkl` first; other writers (torch.jit) may not, so the
      // central directory at the end is searched too.
      let first = Self.firstMemberName(prefix).map(Self.isPickleMember) == true
      guard try first || Self.contains(tail(), Self.dataPickle) else { return nil }
      self = .pytorchZip
    } else if Self.isPickle(prefix) {
      self = .pickle
    } else if pathExtension.lowercased() == "onnx" || Self.looksLikeONNX(prefix) {
      self = .onnx
    } else {
      return nil
    }
  }

  /// The one-line refusal (after the path).
  var refusal: String {
    let export = "export it: safetensors.torch.save_file(model.state_dict(), \"model.safetensors\"), then pass --tensor NAME"
    switch self {
    case .pytorchZip: return "a PyTorch checkpoint (zip with data.pkl), which embcompress does not read; \(export)"
    case .pickle: return "a Python pickle (a legacy PyTorch checkpoint?), which embcompress does not read; \(export)"
    case .onnx:
      return "an ONNX model, which embcompress does not read; export its initializers: safetensors.numpy.save_file({t.name: onnx.numpy_helper.to_array(t) for t in model.graph.initializer}, \"model.safetensors\")"
    }
  }

  private static let dataPickle = Array("data.pkl".utf8)

  private static func isPickleMember(_ name: [UInt8]) -> Bool {
    name == dataPickle || (name.count > dataPickle.count && name.suffix(dataPickle.count + 1) == [UInt8(ascii: "/")] + dataPickle)
  }

  /// The name of the zip's first local file header (30 fixed bytes, then the name).
  private static func firstMemberName(_ prefix: [UInt8]) -> [UInt8]? {
    guard prefix.count >= 30 else { return nil }
    let length = Int(prefix[26]) | Int(prefix[27]) << 8
    guard prefix.count >= 30 + length else { return nil }
    return Array(prefix[30..<(30 + length)])
  }

  private static func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
    guard bytes.count >= needle.count else { return false }
    for start in 0...(bytes.count - needle.count) where bytes[start] == needle[0] {
      if bytes[start..<(start + needle.count)].elementsEqual(needle) { return true }
    }
    return false
  }

  /// Pickle protocol 2 to 5 (`\x80` and the protocol), then an opcode a pickled object starts
  /// with: torch.save's legacy magic number (LONG1), FRAME, EMPTY_DICT, MARK or a GLOBAL. The
  /// second byte alone would take one raw float file in a few thousand for a pickle.
  private static func isPickle(_ prefix: [UInt8]) -> Bool {
    guard prefix.count >= 3, prefix[0] == 0x80, (2...5).contains(prefix[1]) else { return false }
    return [0x8A, 0x95, 0x7D, 0x28, 0x63, 0x93].contains(prefix[2])
  }

  /// An ONNX ModelProto starts with ir_version (field 1, a small varint), then usually
  /// producer_name (field 2, a short printable string, e.g. "pytorch").
  private static func looksLikeONNX(_ prefix: [UInt8]) -> Bool {
    guard prefix.count >= 5, prefix[0] == 0x08, (1...15).contains(prefix[1]), prefix[2] == 0x12 else { return false }
    let length = Int(prefix[3])
    guard length >= 2, length < 0x80, prefix.count >= 4 + length else { return false }
    return prefix[4..<(4 + length)].allSatisfy { (0x20...0x7E).contains($0) }
  }
}
