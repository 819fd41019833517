import EmbCompress
import Foundation
import Testing

/// `embcompress expand` end to end through the built binary.
@Suite struct ExpandCommandTests {
  /// Every good checkpoint to every output format, named by extension or by --format.
  static let cases: [(QRFixtureManifest.Good, String, [String])] = QRFixtureManifest.shared.good.flatMap { good in
    [("t.npy", []), ("t.f32", []), ("t.h5", []), ("t.bin", []), ("t.table", ["--format", "npy"]), ("t.out", ["--format", "h5"])]
      .map { (good, $0.0, $0.1) }
  }

  @Test(arguments: cases)
  func rebuildsGoodCheckpointExactly(_ fixture: QRFixtureManifest.Good, output: String, arguments: [String]) throws {
    let directory = try TemporaryDirectory()
    let path = directory.file(output)
    let result = try CommandRunner.run(["expand", FixtureManifest.path(fixture.file), path] + arguments)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.isEmpty)
    let expected = try FixtureManifest.expectedValues(fixture.expected)
    let read = try Self.readBack(path, dim: fixture.dim, arguments: arguments)
    #expect(read.rows == fixture.rows)
    #expect(read.dim == fixture.dim)
    #expect(read.values.map(\.bitPattern) == expected.map(\.bitPattern))
    if output.hasSuffix(".f32") || output.hasSuffix(".bin") {
      // Raw output is exactly the expected file.
      #expect(try DenseTableFile.bytes(path) == DenseTableFile.bytes(FixtureManifest.path(fixture.expected)))
    }
    #expect(try DenseTableFile.listing(directory) == [output])
  }

  /// Reads an output with the library's own readers (`openTable`).
  private static func readBack(_ path: String, dim: Int, arguments: [String]) throws
    -> (values: [Float], rows: Int, dim: Int)
  {
    var options = TableOpenOptions()
    if path.hasSuffix(".f32") || path.hasSuffix(".bin") { options.raw.dim = dim }
    if arguments == ["--format", "npy"] { options.format = .npy }
    if arguments == ["--format", "h5"] { options.format = .hdf5 }
    let read = try DenseTableFile.read(path, options: options)
    if path.hasSuffix(".h5") || arguments.contains("h5") {
      #expect(read.name == "/embeddings")
      #expect(read.elementType == .float32)
    }
    return (read.values, read.rows, read.dim)
  }

  @Test(arguments: [("3:7", 3..<7), (":4", 0..<4), ("25:", 25..<30), ("0:30", 0..<30)])
  func writesOnlyTheRowsAsked(_ rows: String, range: Range<Int>) throws {
    let fixture = try #require(QRFixtureManifest.shared.good.first { $0.file.hasSuffix("good_gqr_add_f16.qr") })
    let directory = try TemporaryDirectory()
    for output in ["t.npy", "t.h5", "t.f32"] {
      let result = try CommandRunner.run(["expand", FixtureManifest.path(fixture.file), directory.file(output), "--rows", rows])
      #expect(result.status == 0, "\(result.stderr)")
      let expected = try FixtureManifest.expectedValues(fixture.expected)
      let read = try Self.readBack(directory.file(output), dim: fixture.dim, arguments: [])
      #expect(read.rows == range.count)
      #expect(read.values.map(\.bitPattern) == expected[(range.lowerBound * 4)..<(range.upperBound * 4)].map(\.bitPattern))
    }
    #expect(try DenseTableFile.listing(directory) == ["t.f32", "t.h5", "t.npy"])
  }

  @Test func existingOutputIsReplacedOnlyWithForce() throws {
    let checkpoint = FixtureManifest.path("bad-qr/good_qr_mult_f32.qr")
    let directory = try TemporaryDirectory()
    let path = directory.file("t.npy")
    try Data("precious".utf8).write(to: URL(fileURLWithPath: path))

    let refused = try CommandRunner.run(["expand", checkpoint, path])
    #expect(refused.status == 64)
    #expect(refused.stdout.isEmpty)
    #expect(refused.stderr == "embcompress: \(path): already exists; pass --force to replace it\n")
    #expect(try DenseTableFile.bytes(path) == Array("precious".utf8))
    #expect(try DenseTableFile.listing(directory) == ["t.npy"])

    let forced = try CommandRunner.run(["expand", checkpoint, path, "--force"])
    #expect(forced.status == 0, "\(forced.stderr)")
    #expect(try DenseTableFile.read(path).rows == 10)
    #expect(try DenseTableFile.listing(directory) == ["t.npy"])
  }

  @Test(arguments: QRFixtureManifest.shared.bad)
  func badCheckpointWritesNothing(_ fixture: QRFixtureManifest.Bad) throws {
    let directory = try TemporaryDirectory()
    let path = FixtureManifest.path(fixture.file)
    let result = try CommandRunner.run(["expand", path, directory.file("t.h5")])
    #expect(result.status == 65)
    #expect(result.stderr.hasPrefix("embcompress: \(path): "))
    #expect(result.stderr.split(separator: "\n").count == 1)
    #expect(try DenseTableFile.listing(directory) == [])
  }

  @Test func missingFolderExits73AndLeavesNothing() throws {
    let directory = try TemporaryDirectory()
    let result = try CommandRunner.run(["expand", FixtureManifest.path("bad-qr/good_qr_mult_f32.qr"), directory.file("no/t.h5")])
    #expect(result.status == 73)
    #expect(result.stderr.hasPrefix("embcompress: \(directory.file("no/t.h5")): cannot create"))
    #expect(try DenseTableFile.listing(directory) == [])
  }

  @Test(arguments: [
    (["--rows", "3:70"], "--rows 3:70 reaches past the table's 10 rows (ids 0 to 9)"),
    (["--rows", "10:"], "--rows 10: selects none of the table's 10 rows"),
  ])
  func rowsOutsideTheTableExit64(_ arguments: [String], message: String) throws {
    let directory = try TemporaryDirectory()
    let checkpoint = FixtureManifest.path("bad-qr/good_qr_mult_f32.qr")
    let result = try CommandRunner.run(["expand", checkpoint, directory.file("t.npy")] + arguments)
    #expect(result.status == 64)
    #expect(result.stderr == "embcompress: \(checkpoint): \(message)\n")
    #expect(try DenseTableFile.listing(directory) == [])
  }

  @Test(arguments: [
    ["expand", "x.qr"],
    ["expand", "x.qr", "t.txt"],
    ["expand", "x.qr", "t.f16"],
    ["expand", "x.qr", "t.npy", "--format", "csv"],
    ["expand", "x.qr", "t.npy", "--rows", "5:3"],
    ["expand", "x.qr", "t.npy", "--rows", "-1:3"],
    ["expand", "x.qr", "t.npy", "--rows", "3"],
    ["expand", "x.qr", "t.npy", "--rows", "a:b"],
  ])
  func badUsageExits64(_ arguments: [String]) throws {
    let result = try CommandRunner.run(arguments)
    #expect(result.status == 64)
  }
}
