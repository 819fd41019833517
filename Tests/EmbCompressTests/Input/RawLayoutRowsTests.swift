import EmbCompress
import Testing

@Suite struct RawLayoutRowsTests {
  @Test func infersRowsFromTheSize() throws {
    #expect(try RawLayout(dim: 6).rows(fileSize: 888, path: "t") == 37)
    #expect(try RawLayout(dim: 6, elementType: .float16, offset: 16).rows(fileSize: 16 + 444, path: "t") == 37)
    #expect(try RawLayout(dim: 6, rows: 20).rows(fileSize: 888, path: "t") == 20)
  }

  /// Found by reading the code the fuzzer exercises: the message for a too-large --rows once
  /// multiplied rows × row size unchecked, and trapped on overflow.
  @Test(arguments: [Int.max, Int.max / 3, 1 << 62])
  func hugeRowCountsAreTruncationNotATrap(_ rows: Int) {
    do {
      _ = try RawLayout(dim: 6, rows: rows).rows(fileSize: 888, path: "t")
      Issue.record("accepted \(rows) rows")
    } catch let error as EmbCompressError {
      #expect(error.identifier == "truncated")
    } catch {
      Issue.record("\(error)")
    }
  }

  @Test(arguments: [(Int.max, ElementType.float64), (1 << 61, .float32)])
  func hugeDimsAreUsageErrors(dim: Int, type: ElementType) {
    #expect(throws: EmbCompressError.invalidOption(path: "t", detail: "--dim \(dim) is too large")) {
      try RawLayout(dim: dim, elementType: type).rows(fileSize: 1 << 40, path: "t")
    }
  }

  @Test func offsetPastTheEndAndNegativeOptionsAreUsageErrors() {
    #expect(throws: EmbCompressError.self) { try RawLayout(dim: 6, offset: 889).rows(fileSize: 888, path: "t") }
    #expect(throws: EmbCompressError.self) { try RawLayout(dim: 6, offset: -1).rows(fileSize: 888, path: "t") }
    #expect(throws: EmbCompressError.self) { try RawLayout(dim: 6, rows: -1).rows(fileSize: 888, path: "t") }
  }
}
