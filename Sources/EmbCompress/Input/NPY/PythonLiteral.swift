/// The subset of Python literal syntax a `.npy` header uses: dicts, tuples, strings, ints, bools.
///
///     try PythonLiteral.parse("{'shape': (3, 4), }")  // .dictionary(["shape": .tuple([...])])
public indirect enum PythonLiteral: Equatable, Sendable {
  case dictionary([String: PythonLiteral])
  case tuple([PythonLiteral])
  case string(String)
  case integer(Int)
  case bool(Bool)
  case none

  public struct ParseError: Error, Sendable {
    public var reason: String
  }

  public static func parse(_ text: String) throws -> PythonLiteral {
    var parser = Parser(bytes: Array(text.utf8))
    let value = try parser.value()
    parser.skipSpace()
    guard parser.index == parser.bytes.count else { throw ParseError(reason: "text after the value") }
    return value
  }

  /// The deepest nesting of dicts and tuples accepted. A real header nests two deep (a dict
  /// holding the shape tuple); a hostile one nests a million deep to overflow the stack.
  public static let maxDepth = 32

  private struct Parser {
    let bytes: [UInt8]
    var index = 0
    var depth = 0

    mutating func enter() throws {
      depth += 1
      guard depth <= PythonLiteral.maxDepth else {
        throw ParseError(reason: "nested more than \(PythonLiteral.maxDepth) deep")
      }
    }

    mutating func skipSpace() {
      while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
    }

    mutating func expect(_ character: Character) throws {
      skipSpace()
      guard index < bytes.count, bytes[index] == character.asciiValue! else {
        throw ParseError(reason: "expected '\(character)'")
      }
      index += 1
    }

    /// Consumes `character` if it comes next.
    mutating func accept(_ character: Character) -> Bool {
      skipSpace()
      if index < bytes.count, bytes[index] == character.asciiValue! {
        index += 1
        return true
      }
      return false
    }

    mutating func value() throws -> PythonLiteral {
      skipSpace()
      guard index < bytes.count else { throw ParseError(reason: "unexpected end") }
      switch bytes[index] {
      case UInt8(ascii: "{"): return try dictionary()
      case UInt8(ascii: "("): return try tuple()
      case UInt8(ascii: "'"), UInt8(ascii: "\""): return .string(try string())
      case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .integer(try integer())
      default: return try word()
      }
    }

    mutating func dictionary() throws -> PythonLiteral {
      try enter()
      defer { depth -= 1 }
      try expect("{")
      var result: [String: PythonLiteral] = [:]
      while !accept("}") {
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "'") || bytes[index] == UInt8(ascii: "\"") else {
          throw ParseError(reason: "dictionary keys must be strings")
        }
        let key = try string()
        try expect(":")
        guard result.updateValue(try value(), forKey: key) == nil else {
          throw ParseError(reason: "duplicate key '\(key)'")
        }
        if !accept(",") {
          try expect("}")
          break
        }
      }
      return .dictionary(result)
    }

    mutating func tuple() throws -> PythonLiteral {
      try enter()
      defer { depth -= 1 }
      try expect("(")
      var items: [PythonLiteral] = []
      while !accept(")") {
        items.append(try value())
        if !accept(",") {
          try expect(")")
          break
        }
      }
      return .tuple(items)
    }

    mutating func string() throws -> String {
      let quote = bytes[index]
      index += 1
      let start = index
      while index < bytes.count, bytes[index] != quote {
        guard bytes[index] != UInt8(ascii: "\\") else { throw ParseError(reason: "escapes in strings") }
        index += 1
      }
      guard index < bytes.count else { throw ParseError(reason: "unterminated string") }
      defer { index += 1 }
      return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    mutating func integer() throws -> Int {
      let start = index
      if bytes[index] == UInt8(ascii: "-") { index += 1 }
      while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
      // Python 2 era writers add an L suffix to longs.
      let digits = String(decoding: bytes[start..<index], as: UTF8.self)
      if index < bytes.count, bytes[index] == UInt8(ascii: "L") { index += 1 }
      guard let value = Int(digits) else { throw ParseError(reason: "bad integer '\(digits)'") }
      return value
    }

    mutating func word() throws -> PythonLiteral {
      let start = index
      while index < bytes.count, (bytes[index] >= UInt8(ascii: "A") && bytes[index] <= UInt8(ascii: "z")) {
        index += 1
      }
      switch String(decoding: bytes[start..<index], as: UTF8.self) {
      case "True": return .bool(true)
      case "False": return .bool(false)
      case "None": return .none
      case let other: throw ParseError(reason: "unexpected '\(other.isEmpty ? String(UnicodeScalar(bytes[start])) : other)'")
      }
    }
  }
}
