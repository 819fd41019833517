import Foundation
import Testing

/// The HDF5 child reader reads what the in-process reader reads: streamed blocks (read in place
/// in the shared memory) and whole-table reads (copied out of it) alike, through the binary.
@Suite struct HDF5ChildReaderTests {
  @Test func childAndInProcessReadsGiveTheSameReportAndCheckpoint() throws {
    // 200,000 × 32 in 4096-row chunks: many blocks. The conversion holds the table in memory
    // (readAll) for the fit and streams it (forEachBlock) to measure; info streams it.
    let table = HostileFiles.path("big.h5")
    var outputs: [String: (info: String, checkpoint: Data)] = [:]
    for child in ["1", "0"] {
      let directory = try TemporaryDirectory()
      let environment = ["EMBCOMPRESS_HDF5_CHILD": child]
      let info = try BoundedRun.run(["info", table, "--json"], seconds: 120, environment: environment)
      #expect(info.status == 0, "\(info.stderr)")
      let converted = try BoundedRun.run(
        [table, "out.qr", "--quiet", "--threads", "1"], seconds: 300, currentDirectory: directory.path, environment: environment)
      #expect(converted.status == 0, "\(converted.stderr)")
      outputs[child] = (info.stdout, try Data(contentsOf: URL(fileURLWithPath: directory.file("out.qr"))))
    }
    #expect(outputs["1"]?.info == outputs["0"]?.info)
    #expect(!(outputs["1"]?.info.isEmpty ?? true))
    #expect(outputs["1"]?.checkpoint == outputs["0"]?.checkpoint)
  }

  /// The processes whose environment holds `marker`: the run's launcher and readers inherit it.
  private static func processes(marked marker: String) -> [Int32] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap(Int32.init).filter { pid in
      guard let environment = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return false }
      return environment.split(separator: 0).contains { String(decoding: $0, as: UTF8.self) == marker }
    }
  }

  @Test func noReaderOrLauncherOutlivesTheRun() throws {
    // Ended normally, by SIGKILL mid-read, and with an early SIGINT, the run leaves no process
    // of its own behind (the launcher dies with it, the readers with the launcher).
    let table = HostileFiles.path("big.h5")
    for ending in ["exit", "SIGKILL", "SIGINT"] {
      let value = UUID().uuidString
      let marker = "EMBCOMPRESS_TEST_MARKER=\(value)"
      let process = Process()
      process.executableURL = CommandRunner.executable
      process.arguments = ["info", table]
      process.environment = ProcessInfo.processInfo.environment.merging(["EMBCOMPRESS_TEST_MARKER": value]) { $1 }
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      if ending != "exit" {
        // Until its reader exists: the launcher's child.
        let deadline = Date().addingTimeInterval(30)
        while Self.processes(marked: marker).count < 3 && Date() < deadline && process.isRunning { usleep(1000) }
        kill(process.processIdentifier, ending == "SIGKILL" ? SIGKILL : SIGINT)
      }
      process.waitUntilExit()
      var left = Self.processes(marked: marker)
      let deadline = Date().addingTimeInterval(5)
      while !left.isEmpty && Date() < deadline {
        usleep(20000)
        left = Self.processes(marked: marker)
      }
      #expect(left.isEmpty, "\(ending): still running: \(left)")
    }
  }
}
