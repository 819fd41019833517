/// The header of a `.npy` file (versions 1.0, 2.0 and 3.0): what the array is and where its data starts.
///
///     let header = try NpyHeader(bytes: file.bytes, path: "table.npy")
///     header.shape  // [30522, 384]
public struct NpyHeader: Sendable, Equatable {
  public var version: (major: UInt8, minor: UInt8)
  /// The numpy type string, e.g. `<f4`.
  public var descr: String
  public var fortranOrder: Bool
  public var shape: [Int]
  /// The byte offset of the first value.
  public var dataOffset: Int

  public static func == (lhs: NpyHeader, rhs: NpyHeader) -> Bool {
    lhs.version == rhs.version && lhs.descr == rhs.descr && lhs.fortranOrder == rhs.fortranOrder
      && lhs.shape == rhs.shape && lhs.dataOffset == rhs.dataOffset
  }

  static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]

  /// Parses the header at the start of `bytes`; `path` is only for messages.
  public init(bytes: UnsafeRawBufferPointer, path: String) throws {
    func truncated(_ detail: String) -> EmbCompressError { .truncated(path: path, detail: detail) }
    func malformed(_ detail: String) -> EmbCompressError { .malformed(path: path, detail: detail) }

    guard bytes.count >= 8 else { throw truncated("\(bytes.count) bytes is shorter than the .npy preamble") }
    guard bytes.prefix(6).elementsEqual(Self.magic) else { throw malformed("no .npy signature") }
    version = (bytes[6], bytes[7])
    let lengthBytes: Int
    switch version.major {
    case 1: lengthBytes = 2
    case 2, 3: lengthBytes = 4
    default: throw malformed("unsupported .npy version \(version.major).\(version.minor)")
    }
    guard bytes.count >= 8 + lengthBytes else { throw truncated("the .npy header length is cut off") }
    var headerLength = 0
    for i in 0..<lengthBytes { headerLength |= Int(bytes[8 + i]) << (8 * i) }
    let headerStart = 8 + lengthBytes
    guard bytes.count >= headerStart + headerLength else {
      throw truncated("the .npy header needs \(headerLength) bytes but the file ends after \(bytes.count - headerStart)")
    }
    let text = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
    let dictionary: [String: PythonLiteral]
    do {
      guard case .dictionary(let parsed) = try PythonLiteral.parse(text) else {
        throw malformed("the .npy header is not a dictionary")
      }
      dictionary = parsed
    } catch let error as PythonLiteral.ParseError {
      throw malformed("the .npy header is not a valid dictionary (\(UntrustedText.escaped(String(error.reason.prefix(200)))))")
    }
    guard case .string(let descr) = dictionary["descr"] else {
      throw malformed("the .npy header has no 'descr' string (structured arrays are not tables)")
    }
    guard case .bool(let fortran) = dictionary["fortran_order"] else {
      throw malformed("the .npy header has no boolean 'fortran_order'")
    }
    guard case .tuple(let items) = dictionary["shape"] else {
      throw malformed("the .npy header has no 'shape' tuple")
    }
    var shape: [Int] = []
    for item in items {
      guard case .integer(let extent) = item, extent >= 0 else {
        throw malformed("the .npy shape holds something other than non-negative integers")
      }
      shape.append(extent)
    }
    self.descr = descr
    self.fortranOrder = fortran
    self.shape = shape
    self.dataOffset = headerStart + headerLength
  }

  /// The element type and byte order `descr` names, or nil when it is not a float type we read.
  public var element: (type: ElementType, order: ByteOrder)? {
    guard descr.count == 3, let first = descr.first else { return nil }
    let order: ByteOrder
    switch first {
    case "<": order = .little
    case ">": order = .big
    case "=": order = .host
    default: return nil
    }
    switch descr.dropFirst() {
    case "f2": return (.float16, order)
    case "f4": return (.float32, order)
    case "f8": return (.float64, order)
    default: return nil
    }
  }
}
