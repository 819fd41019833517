import Crypto

/// The lowercase hex SHA-256 that a `.qr` file's `sha256` metadata holds.
///
///     SHA256Hex.digest(of: UnsafeRawBufferPointer(start: nil, count: 0))
///     // "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
enum SHA256Hex {
  static func digest(of bytes: UnsafeRawBufferPointer) -> String {
    digest { feed in
      // Fed in slices, so hashing a large mapped file touches it once, in order.
      let slice = 1 << 24
      var offset = 0
      while offset < bytes.count {
        let end = min(bytes.count, offset + slice)
        feed(UnsafeRawBufferPointer(rebasing: bytes[offset..<end]))
        offset = end
      }
    }
  }

  /// The digest of the bytes `body` hands to `feed`, in order: a data section written in slices.
  static func digest(_ body: (_ feed: (UnsafeRawBufferPointer) -> Void) -> Void) -> String {
    var hasher = SHA256()
    body { hasher.update(bufferPointer: $0) }
    let hexDigits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    text.reserveCapacity(64)
    for byte in hasher.finalize() {
      text.append(hexDigits[Int(byte >> 4)])
      text.append(hexDigits[Int(byte & 0xF)])
    }
    return String(decoding: text, as: UTF8.self)
  }
}
