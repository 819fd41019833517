import Foundation
import Testing

/// `lookup` with many ids: through `--ids-from` the cost is linear in the ids (the argument
/// parser's is quadratic in the arguments: 16k ids on the command line took 4.6 s).
@Suite struct LookupScalingTests {
  @Test func fiftyThousandIdsFromAFileAreQuickAndInOrder() throws {
    let directory = try TemporaryDirectory()
    var dict = Array("{'descr': '<f4', 'fortran_order': False, 'shape': (1000, 4), }".utf8)
    dict += [UInt8](repeating: 0x20, count: (64 - (10 + dict.count + 1) % 64) % 64) + [0x0A]
    let header = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(dict.count), 0] + dict
    let values = (0..<4000).map { Float(($0 * 7919) % 1000) / 1000 }
    FileManager.default.createFile(atPath: directory.file("t.npy"), contents: Data(header) + values.withUnsafeBytes { Data($0) })
    let converted = try BoundedRun.run([directory.file("t.npy"), directory.file("t.qr"), "--quiet"], seconds: 120)
    #expect(converted.status == 0, "\(converted.stderr)")
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
}
