import Foundation
import Testing

/// The same input, options and seed give the same bytes, whatever the thread count.
@Suite struct DeterminismTests {
  static let real = FixtureManifest.path("real/minilm_position_embeddings.h5")

  /// The report without the keys that measure time.
  private func reportWithoutTimings(_ path: String) throws -> NSDictionary {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    var copy = json
    copy["seconds"] = nil
    if var fit = copy["fit"] as? [String: Any] {
      fit["seconds"] = nil
      copy["fit"] = fit
    }
    // Paths differ between the runs by design, and so does the command line that names them.
    copy["command"] = nil
    if var checkpoint = copy["checkpoint"] as? [String: Any] {
      checkpoint["path"] = nil
      copy["checkpoint"] = checkpoint
    }
    return copy as NSDictionary
  }

  @Test(arguments: [
    ["--scheme", "qr", "--operation", "mult"],
    ["--scheme", "qr", "--operation", "mult", "--collisions", "23"],
    ["--scheme", "gqr", "--operation", "mult", "--partitions", "3", "--seed", "7"],
    ["--scheme", "crt", "--operation", "add", "--precision", "f16"],
    ["--scheme", "hash", "--collisions", "9", "--precision", "bf16"],
  ])
  func sameBytesForOneOrTwoThreadsAndRepeatedRuns(_ options: [String]) throws {
    let directory = try TemporaryDirectory()
    var checkpoints: [Data] = []
    var reports: [NSDictionary] = []
    for (run, threads) in [1, 2, 2].enumerated() {
      let out = directory.file("run\(run).qr")
      let result = try CommandRunner.run([Self.real, out, "--threads", "\(threads)", "--quiet"] + options)
      #expect(result.status == 0, "\(result.stderr)")
      checkpoints.append(try Data(contentsOf: URL(fileURLWithPath: out)))
      reports.append(try reportWithoutTimings(out + ".report.json"))
    }
    #expect(checkpoints[0] == checkpoints[1])
    #expect(checkpoints[1] == checkpoints[2])
    #expect(reports[0] == reports[1])
    #expect(reports[1] == reports[2])
  }

  @Test func anotherSeedGivesAnotherRandomStart() throws {
    let directory = try TemporaryDirectory()
    var checkpoints: [Data] = []
    for seed in [1, 2] {
      let out = directory.file("seed\(seed).qr")
      let result = try CommandRunner.run(
        [Self.real, out, "--scheme", "gqr", "--partitions", "3", "--seed", "\(seed)", "--quiet"])
      #expect(result.status == 0)
      checkpoints.append(try Data(contentsOf: URL(fileURLWithPath: out)))
    }
    // The CP fit starts from seeded random vectors, so the seed must matter there.
    #expect(checkpoints[0] != checkpoints[1])
  }
}
