import Foundation
import Testing

/// `lookup` with many ids, from a file (`--ids-from`) or on the command line, where they are
/// taken out before argument-parser (whose cost is quadratic in the arguments: 16k ids took
/// 4.6 s) sees them.
@Suite struct LookupScalingTests {
  /// A 1000 × 4 `.qr` in `directory`.
  private func checkpoint(in directory: TemporaryDirectory) throws -> String {
    var dict = Array("{'descr': '<f4', 'fortran_order': False, 'shape': (1000, 4), }".utf8)
    dict += [UInt8](repeating: 0x20, count: (64 - (10 + dict.count + 1) % 64) % 64) + [0x0A]
    let header = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(dict.count), 0] + dict
    let values = (0..<4000).map { Float(($0 * 7919) % 1000) / 1000 }
    FileManager.default.createFile(atPath: directory.file("t.npy"), contents: Data(header) + values.withUnsafeBytes { Data($0) })
    let converted = try BoundedRun.run([directory.file("t.npy"), directory.file("t.qr"), "--quiet"], seconds: 120)
    #expect(converted.status == 0, "\(converted.stderr)")
    return directory.file("t.qr")
  }

  @Test func fiftyThousandIdsFromAFileAreQuickAndInOrder() throws {
    let directory = try TemporaryDirectory()
    _ = try checkpoint(in: directory)
    let ids = (0..<50_000).map { ($0 * 37) % 1000 }
    FileManager.default.createFile(
      atPath: directory.file("ids.txt"), contents: Data(ids.map(String.init).joined(separator: "\n").utf8))
    let result = try BoundedRun.run(["lookup", directory.file("t.qr"), "--ids-from", directory.file("ids.txt")], seconds: 120)
    #expect(result.status == 0, "\(result.stderr)")
    let lines = result.stdout.split(separator: "\n")
    #expect(lines.count == ids.count)
    #expect(lines.last?.split(separator: " ").first.map(String.init) == String(ids.last!))
    // Quadratic parsing took minutes for this many; linear takes about a second, debug build.
    #expect(result.seconds < 30, "took \(result.seconds) s")
  }

  @Test func aHundredThousandIdsOnTheCommandLineGiveWhatTheFileGives() throws {
    let directory = try TemporaryDirectory()
    let qr = try checkpoint(in: directory)
    let ids = (0..<100_000).map { ($0 * 7919) % 1000 }
    FileManager.default.createFile(atPath: directory.file("ids.txt"), contents: Data(ids.map(String.init).joined(separator: " ").utf8))
    let fromFile = try BoundedRun.run(["lookup", qr, "--json", "--ids-from", directory.file("ids.txt")], seconds: 300)
    #expect(fromFile.status == 0, "\(fromFile.stderr)")
    let positional = try BoundedRun.run(["lookup", qr, "--json"] + ids.map(String.init), seconds: 300)
    #expect(!positional.timedOut)
    #expect(positional.status == 0, "\(positional.stderr)")
    #expect(positional.stdout == fromFile.stdout)
    #expect(fromFile.stdout.contains("\"id\":\(ids.last!)"))
    // Positional ids come before the file's, and an option value that is a number stays the
    // option's: `--table 5` names a table, which this one-table checkpoint does not have.
    let both = try BoundedRun.run(["lookup", qr, "7", "--ids-from", directory.file("ids.txt"), "3"], seconds: 300)
    #expect(both.status == 0, "\(both.stderr)")
    let firstIDs = both.stdout.split(separator: "\n").prefix(3).map { $0.split(separator: " ").first.map(String.init) ?? "" }
    #expect(firstIDs == ["7", "3", String(ids[0])])
    let table = try BoundedRun.run(["lookup", qr, "--table", "5", "1"], seconds: 60)
    #expect(table.status == 64 && table.errorLines.count == 1 && table.stderr.contains("no table named 5"), "\(table.stderr)")
    let help = try BoundedRun.run(["lookup", qr, "1", "2", "--help"], seconds: 60)
    #expect(help.status == 0 && help.stdout.contains("--ids-from"), "\(help.stderr)")
    let negative = try BoundedRun.run(["lookup", qr, "-4"], seconds: 60)
    #expect(negative.status == 64 && negative.stderr.contains("-4"), "\(negative.stderr)")
    let none = try BoundedRun.run(["lookup", qr], seconds: 60)
    #expect(none.status == 64 && none.stderr.hasPrefix("embcompress: give at least one id"), "\(none.stderr)")
  }
}
