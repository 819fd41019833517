import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// SIGINT and SIGTERM stop a run promptly and leave nothing half-made, signalled on the real binary.
@Suite(.serialized) struct InterruptionTests {
  /// A raw float32 table big and awkward enough that a CP fit runs for many seconds.
  private static func writeSlowTable(_ path: String, rows: Int = 200_000, dim: Int = 32) {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    let values = (0..<(rows * dim)).map { _ -> Float in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Float(Int64(bitPattern: state >> 11)) / Float(1 << 52) - 0.5
    }
    FileManager.default.createFile(atPath: path, contents: values.withUnsafeBytes { Data($0) })
  }

  /// Starts `arguments`, waits `after` seconds, sends `signal`, and returns the exit status and
  /// how long the process took to stop.
  private func interrupt(_ arguments: [String], after: Double, signal: Int32) throws -> (status: Int32, stopSeconds: Double) {
    let process = Process()
    process.executableURL = CommandRunner.executable
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    Thread.sleep(forTimeInterval: after)
    #expect(process.isRunning, "the run finished before it could be interrupted")
    let sent = Date()
    kill(process.processIdentifier, signal)
    process.waitUntilExit()
    return (process.terminationStatus, Date().timeIntervalSince(sent))
  }

  @Test(arguments: [(SIGINT, Int32(130)), (SIGTERM, Int32(143))])
  func signalDuringAFitLeavesNoOutputAndKeepsTheOldOne(signal: Int32, expectedStatus: Int32) throws {
    let directory = try TemporaryDirectory()
    let input = directory.file("table.f32")
    Self.writeSlowTable(input)
    let out = directory.file("out.qr")
    FileManager.default.createFile(atPath: out, contents: Data("earlier".utf8))
    let (status, stop) = try interrupt(
      [input, out, "--dim", "32", "--scheme", "gqr", "--partitions", "3", "--force"], after: 1.5, signal: signal)
    #expect(status == expectedStatus)
    #expect(stop < 3, "took \(stop) s to stop")
    #expect(FileManager.default.contents(atPath: out) == Data("earlier".utf8))
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["out.qr", "table.f32"])
  }

  @Test func signalWhileWritingRemovesTheTemporaryFile() throws {
    // expand streams its output into a temporary file, so a signal lands mid-write.
    let directory = try TemporaryDirectory()
    let input = directory.file("big.f32")
    Self.writeSlowTable(input, rows: 2_000_000, dim: 16)
    let checkpoint = directory.file("big.qr")
    let converted = try CommandRunner.run([input, checkpoint, "--dim", "16", "--scheme", "hash", "--collisions", "2", "--quiet"])
    #expect(converted.status == 0, "\(converted.stderr)")
    let before = Set(try FileManager.default.contentsOfDirectory(atPath: directory.path))
    let (status, _) = try interrupt(["expand", checkpoint, directory.file("expanded.npy")], after: 0.4, signal: SIGINT)
    #expect(status == 130)
    #expect(Set(try FileManager.default.contentsOfDirectory(atPath: directory.path)) == before)
  }

  @Test func signalDuringAWeightedMultiTermFitStopsAtASweepBoundary() throws {
    // The weighted ALS sweeps run in memory, reading no block: before they checked for a stop
    // request, the handler's 2 s deadline ended the run, saying the work had not stopped.
    let directory = try TemporaryDirectory()
    let input = directory.file("table.f32")
    Self.writeSlowTable(input, rows: 100_000, dim: 32)
    let counts = (0..<100_000).map { String(($0 * 7919) % 1000) }.joined(separator: "\n")
    FileManager.default.createFile(atPath: directory.file("counts.txt"), contents: Data(counts.utf8))
    let process = Process()
    process.executableURL = CommandRunner.executable
    process.arguments = [
      input, directory.file("out.qr"), "--dim", "32", "--terms", "4", "--counts", directory.file("counts.txt"),
      "--tolerance", "0", "--max-iterations", "100000", "--progress",
    ]
    let err = Pipe()
    process.standardError = err
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    // Every run ends within the bound, whatever happens below.
    let killer = DispatchWorkItem { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
    DispatchQueue.global().asyncAfter(deadline: .now() + 240, execute: killer)
    defer { killer.cancel() }
    // Progress lines name the phase; signal once the weighted sweeps have begun.
    var stderr = ""
    while process.isRunning, !stderr.contains("weighted als") {
      let data = err.fileHandleForReading.availableData
      if data.isEmpty { break }
      stderr += String(decoding: data, as: UTF8.self)
    }
    #expect(stderr.contains("weighted als"), "\(stderr)")
    kill(process.processIdentifier, SIGINT)
    stderr += String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationReason == .exit && process.terminationStatus == 130, "exit \(process.terminationStatus): \(stderr)")
    let last = stderr.split(whereSeparator: \.isNewline).last.map(String.init) ?? ""
    #expect(last == "embcompress: interrupted; nothing was written", "\(stderr.suffix(400))")
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["counts.txt", "table.f32"])
  }
}
