import EmbCompress
import Foundation
import Testing

/// Many tables in one run (`--tensor 'emb_l.*'`, `--all-tables`), through the built binary.
@Suite struct ManyTablesCommandTests {
  /// A DLRM-like model file: 26 embedding tables of varied sizes with qr structure and noise,
  /// an MLP weight (2-D, so `--all-tables` takes it too) and a bias (1-D, never a table).
  private static func model(in directory: TemporaryDirectory) throws -> String {
    var writer = SafetensorsWriter()
    var random = TestRandom(seed: 26)
    func tensor(_ name: String, rows: Int, dim: Int) {
      let m = 3 + rows % 5
      let q = (0..<((rows + m - 1) / m * dim)).map { _ in Float(random.normal()) }
      let r = (0..<(m * dim)).map { _ in Float(random.normal()) }
      let values = (0..<(rows * dim)).map { index -> Float in
        let (id, c) = (index / dim, index % dim)
        return q[(id / m) * dim + c] * r[(id % m) * dim + c] + Float(random.normal() * 0.05)
      }
      writer.append(name: name, dtype: .f32, shape: [rows, dim], data: TensorEncoding.bytes(values, precision: .f32))
    }
    for index in 0..<26 { tensor("emb_l.\(index)", rows: 30 + 7 * index, dim: 4 + index % 5) }
    tensor("bot_l.0.weight", rows: 16, dim: 8)
    writer.append(name: "bot_l.0.bias", dtype: .f32, shape: [16], data: TensorEncoding.bytes([Float](repeating: 0.5, count: 16), precision: .f32))
    let path = directory.file("model.safetensors")
    try Data(writer.serialized(metadata: [("format", "pt")])).write(to: URL(fileURLWithPath: path))
    return path
  }

  private func json(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
  }

  @Test func twentySixTablesInOneRunEqualTwentySixRuns() throws {
    let directory = try TemporaryDirectory()
    let model = try Self.model(in: directory)
    let out = directory.file("all.qr")
    let result = try CommandRunner.run([model, out, "--tensor", "emb_l.*", "--json"])
    #expect(result.status == 0, "\(result.stderr)")
    let report = try json(result.stdout)
    let tables = try #require(report["tables"] as? [[String: Any]])
    #expect(tables.count == 26)
    let totals = try #require(report["totals"] as? [String: Any])
    #expect(totals["tables"] as? Int == 26)
    #expect(totals["checkpoint_bytes"] as? Int == (try FileManager.default.attributesOfItem(atPath: out)[.size] as? Int))

    var squaredError = 0.0, squaredNorm = 0.0
    for table in tables {
      let name = try #require(table["name"] as? String)
      let alone = directory.file("\(name).qr")
      let single = try CommandRunner.run([model, alone, "--tensor", name, "--json"])
      #expect(single.status == 0, "\(single.stderr)")
      let separate = try json(single.stdout)
      let error = try #require((table["error"] as? [String: Any])?["relative_frobenius"] as? Double)
      #expect(error == (separate["error"] as? [String: Any])?["relative_frobenius"] as? Double, "\(name)")
      #expect((table["checkpoint"] as? [String: Any])?["tensor_bytes"] as? Int
        == (separate["checkpoint"] as? [String: Any])?["tensor_bytes"] as? Int)
      // The rows the bundle rebuilds are the separate checkpoint's, bit for bit.
      let fromBundle = try CommandRunner.run(["lookup", out, "--table", name, "0", "5", "29", "--json"])
      let fromAlone = try CommandRunner.run(["lookup", alone, "0", "5", "29", "--json"])
      #expect(fromBundle.status == 0, "\(fromBundle.stderr)")
      #expect(fromBundle.stdout == fromAlone.stdout.replacingOccurrences(of: alone, with: out), "\(name)")
      let input = try #require(table["input"] as? [String: Any])
      let count = Double((input["rows"] as! Int) * (input["dim"] as! Int))
      let mse = try #require((table["error"] as? [String: Any])?["mse"] as? Double)
      squaredError += mse * count
      squaredNorm += mse * count / (error * error)
    }
    let combined = try #require(totals["relative_frobenius"] as? Double)
    #expect(abs(combined - (squaredError / squaredNorm).squareRoot()) < 1e-9 * combined)
  }

  @Test func allTablesTakesEveryTwoDimensionalFloatTensor() throws {
    let directory = try TemporaryDirectory()
    let model = try Self.model(in: directory)
    let out = directory.file("all.qr")
    let result = try CommandRunner.run([model, out, "--all-tables", "--quiet"])
    #expect(result.status == 0, "\(result.stderr)")
    let inspect = try json(try CommandRunner.run(["inspect", out, "--table", "bot_l.0.weight", "--json"]).stdout)
    #expect(inspect["table"] as? String == "bot_l.0.weight")
    let names = try #require(inspect["tables"] as? [String])
    #expect(names.count == 27)
    #expect(!names.contains("bot_l.0.bias"))
  }

  @Test func mistakesGetOneLine() throws {
    let directory = try TemporaryDirectory()
    let model = try Self.model(in: directory)
    let out = directory.file("all.qr")
    let none = try CommandRunner.run([model, out, "--tensor", "top_l.*"])
    #expect(none.status == 65)
    #expect(none.stderr.hasPrefix("embcompress: \(model): no table matches 'top_l.*' (tables: 'emb_l.0', "))
    #expect(none.stderr.split(separator: "\n").count == 1)
    let html = try CommandRunner.run([model, out, "--tensor", "emb_l.1*", "--html", directory.file("r.html")])
    #expect(html.status == 64)
    #expect(html.stderr == "embcompress: --html draws the report of one table; with several, read the JSON report\n")
    #expect(!FileManager.default.fileExists(atPath: out))

    #expect(try CommandRunner.run([model, out, "--tensor", "emb_l.1*", "--quiet"]).status == 0)
    let ambiguous = try CommandRunner.run(["lookup", out, "3"])
    #expect(ambiguous.status == 64)
    #expect(ambiguous.stderr.hasPrefix("embcompress: \(out): several tables; choose one: --table emb_l.1, --table emb_l.10, "))
    let missing = try CommandRunner.run(["expand", out, directory.file("t.npy"), "--table", "emb_l.2"])
    #expect(missing.status == 64)
    #expect(missing.stderr.hasPrefix("embcompress: \(out): no table named emb_l.2; candidates: --table emb_l.1, "))
    let npy = try CommandRunner.run([FixtureManifest.path("npy/v1_f32.npy"), directory.file("n.qr"), "--all-tables"])
    #expect(npy.status == 64)
    #expect(npy.stderr.hasPrefix("embcompress: --all-tables only applies to safetensors or HDF5 input, not npy ("))
  }
}
