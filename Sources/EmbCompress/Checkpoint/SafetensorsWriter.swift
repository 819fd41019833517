/// Lays out a safetensors file: 8-byte little-endian header length, a JSON header padded with
/// spaces to a multiple of 8, then each tensor's bytes back to back in the order added.
///
///     var writer = SafetensorsWriter()
///     writer.append(name: "weight", dtype: .f32, shape: [2, 3], data: bytes)
///     let file = writer.serialized(metadata: ["format": "pt"])
public struct SafetensorsWriter: Sendable {
  private struct Entry: Sendable {
    var name: String
    var dtype: SafetensorsDType
    var shape: [Int]
    var span: Range<Int>
  }

  private var entries: [Entry] = []
  /// The data section so far, for tensors added with their bytes.
  public private(set) var data: [UInt8] = []
  /// The size of the data section the header describes.
  public private(set) var dataCount = 0

  public init() {}

  public mutating func append(name: String, dtype: SafetensorsDType, shape: [Int], data bytes: [UInt8]) {
    precondition(data.count == dataCount, "mixing declared and appended tensors")
    declare(name: name, dtype: dtype, shape: shape)
    precondition(dataCount - data.count == bytes.count, "tensor \(name): shape and bytes disagree")
    data += bytes
  }

  /// Adds a tensor to the header only; the caller writes its bytes after the header itself, in
  /// the order declared. That keeps a large file from ever being whole in memory.
  public mutating func declare(name: String, dtype: SafetensorsDType, shape: [Int]) {
    let count = shape.reduce(dtype.byteSize, *)
    entries.append(Entry(name: name, dtype: dtype, shape: shape, span: dataCount..<(dataCount + count)))
    dataCount += count
  }

  /// The header JSON for the tensors added, with `metadata` first under `__metadata__`.
  public func header(metadata: [(String, String)]) -> String {
    var members: [(String, String)] = []
    if !metadata.isEmpty {
      members.append(("__metadata__", JSONText.object(metadata.map { ($0.0, JSONText.string($0.1)) })))
    }
    for entry in entries {
      members.append(
        (
          entry.name,
          JSONText.object([
            ("dtype", JSONText.string(entry.dtype.rawValue)),
            ("shape", JSONText.array(entry.shape.map(String.init))),
            ("data_offsets", JSONText.array([String(entry.span.lowerBound), String(entry.span.upperBound)])),
          ])
        ))
    }
    return JSONText.object(members)
  }

  /// Everything before the data section: the header length and the padded header.
  public func headerBytes(metadata: [(String, String)]) -> [UInt8] {
    var json = Array(header(metadata: metadata).utf8)
    // Padding keeps the data section 8-byte aligned for zero-copy loaders.
    json += [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8)
    return withUnsafeBytes(of: UInt64(json.count).littleEndian) { Array($0) } + json
  }

  /// The whole file, for tensors added with their bytes.
  public func serialized(metadata: [(String, String)]) -> [UInt8] {
    precondition(data.count == dataCount, "declared tensors have no bytes here")
    return headerBytes(metadata: metadata) + data
  }
}
