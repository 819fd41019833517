import Foundation
import Testing

/// PyTorch and ONNX files are told by their content and refused in one line that says how to
/// export safetensors; a `.bin` is raw only when it is neither.
@Suite struct ModelFileTests {
  static let pytorchExport =
    "which embcompress does not read; export it: safetensors.torch.save_file(model.state_dict(), \"model.safetensors\"), then pass --tensor NAME"

  /// A zip archive as torch.save writes it: stored members, `archive/data.pkl` among them
  /// (first, or — with `pickleFirst` false — after another member, found in the central directory).
  static func pytorchZip(pickleFirst: Bool = true) -> [UInt8] {
    var members: [(String, [UInt8])] = [
      ("archive/data.pkl", [0x80, 0x02, 0x7D, 0x71, 0x00, 0x2E]),
      ("archive/byteorder", Array("little".utf8)),
      ("archive/data/0", [UInt8](repeating: 0, count: 64)),
    ]
    if !pickleFirst { members.swapAt(0, 2) }
    func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
    func le32(_ v: Int) -> [UInt8] { le16(v & 0xFFFF) + le16(v >> 16) }
    var file: [UInt8] = []
    var central: [UInt8] = []
    for (name, data) in members {
      let offset = file.count
      let nameBytes = Array(name.utf8)
      let common = le16(20) + le16(0) + le16(0) + le16(0) + le16(0) + le32(0) + le32(data.count) + le32(data.count)
        + le16(nameBytes.count) + le16(0)
      file += [0x50, 0x4B, 0x03, 0x04] + common + nameBytes + data
      central += [0x50, 0x4B, 0x01, 0x02] + le16(20) + common + le16(0) + le16(0) + le16(0) + le32(0) + le32(offset)
        + nameBytes
    }
    let directoryOffset = file.count
    file += central
    file += [0x50, 0x4B, 0x05, 0x06] + le16(0) + le16(0) + le16(members.count) + le16(members.count)
      + le32(central.count) + le32(directoryOffset) + le16(0)
    return file
  }

  /// torch.save's legacy format: pickle protocol 2 opening with its magic number.
  static let legacyPickle: [UInt8] =
    [0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19, 0x2E] + [UInt8](repeating: 0, count: 49)

  /// An ONNX ModelProto's start: ir_version 7, producer_name "pytorch", producer_version "2.1".
  static let onnx: [UInt8] = [0x08, 0x07, 0x12, 0x07] + Array("pytorch".utf8) + [0x1A, 0x03] + Array("2.1".utf8)
    + [UInt8](repeating: 0, count: 48)

  private func run(_ name: String, _ bytes: [UInt8]) throws -> (CommandRunner.Result, String) {
    let directory = try TemporaryDirectory()
    let path = directory.file(name)
    FileManager.default.createFile(atPath: path, contents: Data(bytes))
    let result = try CommandRunner.run([path, directory.file("out.qr")])
    #expect(!FileManager.default.fileExists(atPath: directory.file("out.qr")))
    return (result, path)
  }

  @Test func pytorchZipAsBinIsNotTakenForRaw() throws {
    for (name, bytes) in [("pytorch_model.bin", Self.pytorchZip()), ("model.pt", Self.pytorchZip(pickleFirst: false))] {
      let (result, path) = try run(name, bytes)
      #expect(result.status == 65, "\(name)")
      #expect(result.stderr == "embcompress: \(path): a PyTorch checkpoint (zip with data.pkl), \(Self.pytorchExport)\n", "\(name)")
    }
  }

  @Test func legacyPickleIsRefused() throws {
    for name in ["model.pt", "pytorch_model.bin", "weights"] {
      let (result, path) = try run(name, Self.legacyPickle)
      #expect(result.status == 65, "\(name)")
      #expect(result.stderr == "embcompress: \(path): a Python pickle (a legacy PyTorch checkpoint?), \(Self.pytorchExport)\n", "\(name)")
    }
  }

  @Test func onnxIsRefused() throws {
    for name in ["model.onnx", "model.bin"] {
      let (result, path) = try run(name, Self.onnx)
      #expect(result.status == 65, "\(name)")
      #expect(
        result.stderr == "embcompress: \(path): an ONNX model, which embcompress does not read; export its initializers: safetensors.numpy.save_file({t.name: onnx.numpy_helper.to_array(t) for t in model.graph.initializer}, \"model.safetensors\")\n",
        "\(name)")
    }
  }

  @Test func infoRefusesThemToo() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("pytorch_model.bin")
    FileManager.default.createFile(atPath: path, contents: Data(Self.pytorchZip()))
    let result = try CommandRunner.run(["info", path])
    #expect(result.status == 65)
    #expect(result.stderr == "embcompress: \(path): a PyTorch checkpoint (zip with data.pkl), \(Self.pytorchExport)\n")
  }

  @Test func formatRawStillReadsAnyBytes() throws {
    // --format overrides detection: the user says what the bytes are.
    let directory = try TemporaryDirectory()
    let path = directory.file("pytorch_model.bin")
    FileManager.default.createFile(atPath: path, contents: Data(Self.legacyPickle))
    let result = try CommandRunner.run(["info", path, "--format", "raw", "--dim", "4"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("raw"))
  }

  @Test func aPlainZipOrRawBinIsNotAModel() throws {
    let directory = try TemporaryDirectory()
    // Raw float32 values whose bytes happen to start like nothing in particular.
    let raw = directory.file("table.bin")
    let values = (0..<64).map { Float($0) * 0.25 - 3 }
    FileManager.default.createFile(atPath: raw, contents: values.withUnsafeBufferPointer { Data(buffer: $0) })
    let info = try CommandRunner.run(["info", raw, "--dim", "8"])
    #expect(info.status == 0, "\(info.stderr)")
    #expect(info.stdout.contains("raw"))
  }
}
