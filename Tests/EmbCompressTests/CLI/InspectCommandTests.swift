import EmbCompress
import Foundation
import Testing

/// `embcompress inspect` end to end through the built binary.
@Suite struct InspectCommandTests {
  @Test(arguments: QRFixtureManifest.shared.good)
  func describesGoodCheckpointAsJSON(_ fixture: QRFixtureManifest.Good) throws {
    let path = FixtureManifest.path(fixture.file)
    let result = try CommandRunner.run(["inspect", path, "--json"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.isEmpty)
    let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(json["path"] as? String == path)
    #expect(json["format"] as? String == (fixture.isFormatTwo ? "embcompress.qr/2" : "embcompress.qr/1"))
    #expect(json["rows"] as? Int == fixture.rows)
    #expect(json["dim"] as? Int == fixture.dim)
    #expect(json["scheme"] as? String == fixture.scheme)
    #expect(json["operation"] as? String == fixture.operation)
    #expect(json["precision"] as? String == fixture.precision)
    let terms = fixture.terms ?? 1
    #expect(json["terms"] as? Int == terms)
    #expect(json["projection_rank"] as? Int == fixture.projectionRank)
    #expect(json["exact_rows"] as? Int == fixture.exactIDs?.count ?? 0)
    // Every term's partitions, the first term's as the manifest lists them.
    let partitions = try #require(json["partitions"] as? [[String: Any]])
    #expect(partitions.count == terms * fixture.partitions.count)
    let first = partitions.prefix(fixture.partitions.count)
    #expect(first.map { $0["tensor"] as? String } == fixture.partitions.map(\.tensor))
    #expect(first.map { $0["divisor"] as? Int } == fixture.partitions.map(\.divisor))
    #expect(first.map { $0["modulus"] as? Int } == fixture.partitions.map(\.modulus))
    #expect(first.map { $0["dim"] as? Int } == fixture.partitions.map(\.dim))

    let fileBytes = try DenseTableFile.bytes(path).count
    let elementSize = fixture.precision == "f32" ? 4 : 2
    let tensorBytes =
      terms * fixture.partitions.reduce(0) { $0 + $1.modulus * $1.dim * elementSize }
      + (fixture.projectionRank ?? 0) * fixture.dim * elementSize + (fixture.exactIDs?.count ?? 0) * (fixture.dim * 4 + 8)
    #expect(json["file_bytes"] as? Int == fileBytes)
    #expect(json["tensor_bytes"] as? Int == tensorBytes)
    #expect(json["compression_ratio"] as? Double == Double(fixture.rows * fixture.dim * 4) / Double(tensorBytes))
    #expect(json["source"] as? String == "fixtures/make_bad_qr.py:synthetic")
    #expect(json["relative_error"] as? Double == 0.25)
    #expect((json["sha256"] as? String)?.count == 64)
    #expect(json["sha256_verified"] as? Bool == true)
  }

  @Test func textOutputIsAligned() throws {
    let path = FixtureManifest.path("bad-qr/good_qr_mult_f32.qr")
    let result = try CommandRunner.run(["inspect", path])
    #expect(result.status == 0)
    let lines = result.stdout.split(separator: "\n").map(String.init)
    #expect(lines.first == path)
    #expect(lines.contains("  format          embcompress.qr/1"))
    #expect(lines.contains("  rows            10"))
    #expect(lines.contains("  scheme          qr"))
    #expect(lines.contains("  partitions      weight_q  divisor 4  modulus 3  dim 3"))
    #expect(lines.contains("                  weight_r  divisor 1  modulus 4  dim 3"))
    #expect(lines.contains("  precision       f32"))
    #expect(lines.contains("  tensor bytes    84 (84 B)"))
    #expect(lines.contains("  compression     1.43× vs float32 (120 B)"))
    #expect(lines.contains("  relative error  0.25"))
    #expect(lines.contains { $0.hasPrefix("  sha256          ") && $0.hasSuffix(" (verified)") })
  }

  @Test(arguments: QRFixtureManifest.shared.bad)
  func refusesBadCheckpointWithOneLineAndExit65(_ fixture: QRFixtureManifest.Bad) throws {
    let path = FixtureManifest.path(fixture.file)
    let result = try CommandRunner.run(["inspect", path])
    #expect(result.status == fixture.exit)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr.split(separator: "\n").count == 1)
    #expect(result.stderr.hasSuffix("\n"))
    #expect(result.stderr.hasPrefix("embcompress: \(path): "))
    #expect(result.stderr.contains(fixture.detail), "\(result.stderr)")
  }

  @Test func missingCheckpointExits66() throws {
    let result = try CommandRunner.run(["inspect", "/nonexistent/out.qr"])
    #expect(result.status == 66)
    #expect(result.stderr == "embcompress: /nonexistent/out.qr: no such file\n")
  }

  @Test func aDenseTableIsNotACheckpoint() throws {
    let path = FixtureManifest.path("safetensors/f32.safetensors")
    let result = try CommandRunner.run(["inspect", path])
    #expect(result.status == 65)
    #expect(result.stderr == "embcompress: \(path): metadata 'format' is 'np', not embcompress.qr/1 or embcompress.qr/2; not an embcompress .qr checkpoint\n")
  }
}
