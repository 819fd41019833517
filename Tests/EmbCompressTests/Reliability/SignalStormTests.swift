import Foundation
import Testing

/// SIGINT and SIGTERM at random moments of conversions of HDF5 and .npy tables, sent to the
/// process or to its whole group (as Ctrl-C is, reaching the HDF5 reader child too):
/// `scripts/signal-storm` checks each run ended cleanly (130/143 and nothing left, or finished
/// whole), without a crash, a hang or a checkpoint without its report. A short storm here; the
/// 200-signal figures are in docs/reliability.md.
@Suite(.serialized) struct SignalStormTests {
  @Test func aShortStormLeavesNoCrashHangOrOrphan() throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [
      "python3", BoundedRun.repository + "/scripts/signal-storm", "--count", "12", "--rows", "8000",
      "--timeout", "60", "--binary", CommandRunner.executable.path,
    ]
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let report = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(report)")
  }
}
