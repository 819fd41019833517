import Foundation

/// The validated header of a safetensors file: its tensors, its metadata, where the data starts.
///
/// Validation is strict, because the same parser reads `.qr` files from anywhere: the header
/// length lies within the file, every tensor's span lies within the data section, the spans
/// neither overlap nor leave holes, and shape × dtype size equals each span.
///
///     let header = try SafetensorsHeader(bytes: file.bytes, path: "model.safetensors")
///     header.tensors.map(\.name)
public struct SafetensorsHeader: Sendable {
  /// One tensor's entry; `span` is relative to the data section.
  public struct Tensor: Sendable, Equatable {
    public var name: String
    public var dtype: SafetensorsDType
    public var shape: [Int]
    public var span: Range<Int>
  }

  /// Tensors in file order (by data offset).
  public var tensors: [Tensor]
  public var metadata: [String: String]
  /// The absolute byte offset of the data section, 8 + header length.
  public var dataOffset: Int

  /// The most header JSON accepted; the reference implementation's limit.
  public static let maxHeaderBytes = 100_000_000

  /// The most tensors a header may describe. Large model checkpoints hold tens of thousands;
  /// 100 MB of header is room for 1.4 million one-byte tensors, which took 34 s and 5.8 GB to
  /// parse before this limit.
  public static let maxTensors = 200_000

  public init(bytes: UnsafeRawBufferPointer, path: String) throws {
    try self.init(prefix: bytes, fileSize: bytes.count, path: path)
  }

  /// Parses the header from the first bytes of a `fileSize`-byte file: `prefix` holds at least
  /// the length and the header it announces (when the file has them), and need hold no data.
  public init(prefix bytes: UnsafeRawBufferPointer, fileSize: Int, path: String) throws {
    func malformed(_ detail: String) -> EmbCompressError { .malformed(path: path, detail: detail) }
    func truncated(_ detail: String) -> EmbCompressError { .truncated(path: path, detail: detail) }

    guard fileSize >= 8, bytes.count >= 8 else {
      throw truncated("\(fileSize) bytes is shorter than the 8-byte safetensors header length")
    }
    let length = bytes.loadUnaligned(as: UInt64.self).littleEndian
    guard length <= UInt64(fileSize - 8) else {
      throw truncated("the header length \(length) runs past the end of the \(fileSize)-byte file")
    }
    guard length <= UInt64(Self.maxHeaderBytes) else {
      throw malformed("the header length \(length) exceeds the \(Self.maxHeaderBytes)-byte limit")
    }
    guard length <= UInt64(bytes.count - 8) else {
      throw truncated("the file ended inside its \(length)-byte header while it was read")
    }
    dataOffset = 8 + Int(length)
    let dataSize = fileSize - dataOffset
    // Every tensor entry is a JSON object: counting braces (in a few ms) bounds the tensors
    // before the JSON parser spends seconds and gigabytes on them.
    var objects = 0
    var cursor = bytes.baseAddress! + 8
    let headerEnd = bytes.baseAddress! + dataOffset
    while cursor < headerEnd, objects <= Self.maxTensors + 2,
      let found = memchr(cursor, Int32(UInt8(ascii: "{")), headerEnd - cursor)
    {
      objects += 1
      cursor = UnsafeRawPointer(found) + 1
    }
    guard objects <= Self.maxTensors + 2 else {
      throw malformed("the header describes more than \(Self.maxTensors) tensors")
    }
    let json = Data(bytes[8..<dataOffset])
    guard let object = try? JSONSerialization.jsonObject(with: json, options: []),
      let entries = object as? [String: Any]
    else {
      throw malformed("the safetensors header is not a JSON object")
    }

    var metadata: [String: String] = [:]
    var tensors: [Tensor] = []
    for (name, value) in entries {
      if name == "__metadata__" {
        guard let pairs = value as? [String: Any] else { throw malformed("__metadata__ is not an object") }
        for (key, item) in pairs {
          guard let string = item as? String else {
            throw malformed("__metadata__ value \(UntrustedText.quoted(key)) is not a string")
          }
          metadata[key] = string
        }
        continue
      }
      guard let fields = value as? [String: Any] else {
        throw malformed("tensor \(UntrustedText.quoted(name)) is not an object")
      }
      guard let dtypeName = fields["dtype"] as? String else {
        throw malformed("tensor \(UntrustedText.quoted(name)) has no dtype string")
      }
      guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
        throw malformed("tensor \(UntrustedText.quoted(name)) has unknown dtype \(UntrustedText.quoted(dtypeName))")
      }
      guard let shape = Self.integers(fields["shape"]), shape.allSatisfy({ $0 >= 0 }) else {
        throw malformed("tensor \(UntrustedText.quoted(name)) has no shape of non-negative integers")
      }
      guard let offsets = Self.integers(fields["data_offsets"]), offsets.count == 2, offsets[0] >= 0,
        offsets[0] <= offsets[1]
      else {
        throw malformed("tensor \(UntrustedText.quoted(name)) has no valid data_offsets [begin, end]")
      }
      guard offsets[1] <= dataSize else {
        throw truncated(
          "tensor \(UntrustedText.quoted(name)) ends at data byte \(offsets[1]) but the data section holds \(dataSize)")
      }
      var expected = dtype.byteSize
      for extent in shape {
        let (product, overflow) = expected.multipliedReportingOverflow(by: extent)
        guard !overflow else {
          throw malformed("tensor \(UntrustedText.quoted(name)) has a shape too large to address")
        }
        expected = product
      }
      guard expected == offsets[1] - offsets[0] else {
        throw malformed(
          "tensor \(UntrustedText.quoted(name)): shape \(shape) of \(dtypeName) needs \(expected) bytes but data_offsets span \(offsets[1] - offsets[0])")
      }
      tensors.append(Tensor(name: name, dtype: dtype, shape: shape, span: offsets[0]..<offsets[1]))
    }
    tensors.sort { ($0.span.lowerBound, $0.span.upperBound, $0.name) < ($1.span.lowerBound, $1.span.upperBound, $1.name) }
    var end = 0
    for tensor in tensors {
      guard tensor.span.lowerBound >= end else {
        throw malformed("tensor \(UntrustedText.quoted(tensor.name)) overlaps the data of another tensor")
      }
      guard tensor.span.lowerBound == end else {
        throw malformed("data bytes \(end)..<\(tensor.span.lowerBound) belong to no tensor")
      }
      end = tensor.span.upperBound
    }
    guard end == dataSize else {
      throw malformed("the data section holds \(dataSize) bytes but the tensors cover \(end)")
    }
    self.tensors = tensors
    self.metadata = metadata
  }

  /// Reads a JSON array of integers; fractions, booleans, strings and nulls make it nil.
  private static func integers(_ value: Any?) -> [Int]? {
    guard let array = value as? [Any] else { return nil }
    var result: [Int] = []
    for item in array {
      guard let integer = JSONInteger.exact(item) else { return nil }
      result.append(integer)
    }
    return result
  }

  /// The tensor called `name`, if any.
  public func tensor(named name: String) -> Tensor? { tensors.first { $0.name == name } }
}
