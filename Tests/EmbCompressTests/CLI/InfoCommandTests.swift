import Foundation
import Testing

/// `embcompress info` end to end through the built binary.
@Suite struct InfoCommandTests {
  @Test(arguments: FixtureManifest.shared.good)
  func describesGoodFixture(_ fixture: FixtureManifest.Good) throws {
    let path = FixtureManifest.path(fixture.file)
    let result = try CommandRunner.run(["info", path, "--json"] + fixture.args)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.isEmpty)
    let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(json["format"] as? String == fixture.format)
    #expect(json["dataset"] as? String == fixture.name)
    #expect(json["rows"] as? Int == fixture.rows)
    #expect(json["dim"] as? Int == fixture.dim)
    #expect(json["dtype"] as? String == fixture.dtype)
    let elementSize = ["f16": 2, "bf16": 2, "f32": 4, "f64": 8][fixture.dtype]!
    #expect(json["bytes"] as? Int == fixture.rows * fixture.dim * elementSize)

    // Row norms, recomputed here from numpy's values.
    let norm = try #require(json["row_norm"] as? [String: Double])
    let values = try FixtureManifest.expectedValues(fixture.expected)
    let norms = (0..<fixture.rows).map { row in
      (0..<fixture.dim).reduce(0.0) { $0 + Double(values[row * fixture.dim + $1]) * Double(values[row * fixture.dim + $1]) }
        .squareRoot()
    }
    let mean = norms.reduce(0, +) / Double(norms.count)
    #expect(abs(norm["min"]! - norms.min()!) <= 1e-9 * max(1, norms.min()!))
    #expect(abs(norm["max"]! - norms.max()!) <= 1e-9 * max(1, norms.max()!))
    #expect(abs(norm["mean"]! - mean) <= 1e-9 * max(1, mean))
  }

  @Test(arguments: FixtureManifest.shared.bad)
  func refusesBadFixtureWithOneLineAndExitCode(_ fixture: FixtureManifest.Bad) throws {
    let path = FixtureManifest.path(fixture.file)
    let result = try CommandRunner.run(["info", path] + fixture.args)
    #expect(result.status == fixture.exit)
    #expect(result.stdout.isEmpty)
    let lines = result.stderr.split(separator: "\n")
    #expect(lines.count == 1)
    #expect(result.stderr.hasPrefix("embcompress: \(path): "))
  }

  @Test func textOutputIsAligned() throws {
    let result = try CommandRunner.run(["info", FixtureManifest.path("real/minilm_position_embeddings.h5")])
    #expect(result.status == 0)
    #expect(result.stdout.contains("dataset   /embeddings/position_embeddings"))
    #expect(result.stdout.contains("rows      512"))
    #expect(result.stdout.contains("dim       384"))
    #expect(result.stdout.contains("bytes     786,432 (768.0 KiB)"))
  }

  @Test(arguments: [
    ["info"],
    ["info", "x.f32", "--dim", "0"],
    ["info", "x.f32", "--rows", "-3"],
    ["info", "x.h5", "--dataset", "/a", "--tensor", "b"],
    ["info", "x.f32", "--dtype", "i8"],
    ["info", "x.f32", "--format", "csv"],
    ["info", "x.f32", "--endian", "middle"],
  ])
  func badUsageExits64(_ arguments: [String]) throws {
    let result = try CommandRunner.run(arguments)
    #expect(result.status == 64)
  }

  @Test func missingInputExits66() throws {
    let result = try CommandRunner.run(["info", "/nonexistent/table.h5"])
    #expect(result.status == 66)
    #expect(result.stderr == "embcompress: /nonexistent/table.h5: no such file\n")
  }
}
