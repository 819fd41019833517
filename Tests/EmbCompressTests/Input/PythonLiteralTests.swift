@testable import EmbCompress
import Testing

@Suite struct PythonLiteralTests {
  @Test func parsesNumpyHeaders() throws {
    let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (30522, 384), }          \n"
    #expect(
      try PythonLiteral.parse(header)
        == .dictionary([
          "descr": .string("<f4"), "fortran_order": .bool(false),
          "shape": .tuple([.integer(30522), .integer(384)]),
        ]))
    #expect(try PythonLiteral.parse("(5,)") == .tuple([.integer(5)]))
    #expect(try PythonLiteral.parse("()") == .tuple([]))
    #expect(try PythonLiteral.parse("(3L, 4L)") == .tuple([.integer(3), .integer(4)]))
    #expect(try PythonLiteral.parse("{\"a\": None}") == .dictionary(["a": .none]))
  }

  @Test(arguments: [
    "{'descr': '<f4'", "{'a': 1, 'a': 2}", "{'shape': (1, 2}", "{1: 2}", "{'a': 'x\\'y'}", "{'a': three}",
    "{'a': 1} trailing", "", "(99999999999999999999999,)",
  ])
  func refusesMalformedLiterals(_ text: String) {
    #expect(throws: PythonLiteral.ParseError.self) { try PythonLiteral.parse(text) }
  }
}
