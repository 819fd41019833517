import Foundation
import Testing

/// `embcompress lookup` end to end through the built binary.
@Suite struct LookupCommandTests {
  private struct Output: Decodable {
    struct Row: Decodable {
      var id: Int
      var embedding: [Float]
    }

    var path: String
    var dim: Int
    var embeddings: [Row]
  }

  @Test(arguments: QRFixtureManifest.shared.good)
  func printsRebuiltRowsAsJSON(_ fixture: QRFixtureManifest.Good) throws {
    let path = FixtureManifest.path(fixture.file)
    let ids = [fixture.rows - 1, 0, 3, 3]
    let result = try CommandRunner.run(["lookup", path] + ids.map(String.init) + ["--json"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.isEmpty)
    // Decoded as Float straight from the text: the shortest form printed must read back exactly.
    let output = try JSONDecoder().decode(Output.self, from: Data(result.stdout.utf8))
    #expect(output.path == path)
    #expect(output.dim == fixture.dim)
    #expect(output.embeddings.map(\.id) == ids)
    let expected = try FixtureManifest.expectedValues(fixture.expected)
    for row in output.embeddings {
      let want = expected[(row.id * fixture.dim)..<((row.id + 1) * fixture.dim)]
      #expect(row.embedding.map(\.bitPattern) == want.map(\.bitPattern), "id \(row.id)")
    }
  }

  @Test func printsOneAlignedLinePerId() throws {
    let fixture = try #require(QRFixtureManifest.shared.good.first { $0.file.hasSuffix("good_qr_mult_f32.qr") })
    let result = try CommandRunner.run(["lookup", FixtureManifest.path(fixture.file), "9", "2"])
    #expect(result.status == 0)
    let expected = try FixtureManifest.expectedValues(fixture.expected)
    let lines = result.stdout.split(separator: "\n").map(String.init)
    #expect(lines.count == 2)
    for (line, id) in zip(lines, [9, 2]) {
      let fields = line.split(separator: " ").map(String.init)
      #expect(fields.first == String(id))
      let values = fields.dropFirst().map { Float($0)! }
      #expect(values.map(\.bitPattern) == expected[(id * 3)..<((id + 1) * 3)].map(\.bitPattern))
    }
  }

  @Test(arguments: [["10"], ["0", "10"], ["-1"], ["2", "-7", "3"]])
  func anIdOutsideTheTableExits64NamingIt(_ ids: [String]) throws {
    let path = FixtureManifest.path("bad-qr/good_qr_mult_f32.qr")
    let result = try CommandRunner.run(["lookup", path] + ids)
    let bad = ids.first { Int($0)! < 0 || Int($0)! >= 10 }!
    #expect(result.status == 64)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr == "embcompress: \(path): id \(bad) is out of range: the table has 10 rows (ids 0 to 9)\n")
  }

  @Test(arguments: QRFixtureManifest.shared.bad)
  func refusesBadCheckpoint(_ fixture: QRFixtureManifest.Bad) throws {
    let path = FixtureManifest.path(fixture.file)
    let result = try CommandRunner.run(["lookup", path, "0"])
    #expect(result.status == 65)
    #expect(result.stderr.hasPrefix("embcompress: \(path): "))
    #expect(result.stderr.split(separator: "\n").count == 1)
  }

  @Test(arguments: [["lookup", "x.qr"], ["lookup", "x.qr", "seven"], ["lookup", "x.qr", "1.5"], ["lookup"]])
  func badUsageExits64(_ arguments: [String]) throws {
    #expect(try CommandRunner.run(arguments).status == 64)
  }
}
