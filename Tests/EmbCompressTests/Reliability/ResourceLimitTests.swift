import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Resource limits through the binary: each ends in one line, bounded by a timeout.
@Suite(.serialized) struct ResourceLimitTests {
  @Test func aLowAddressSpaceLimitIsAnErrorNotAnEndlessOpenBLASRetry() throws {
    // OpenBLAS retried its 128 MiB buffer forever under `ulimit -v`; now the run is refused.
    let directory = try TemporaryDirectory()
    let input = HostileFiles.path("huge_values.npy")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = ["-c", "ulimit -v 300000; exec \"$0\" \"$1\" out.qr --threads 2", CommandRunner.executable.path, input]
    process.currentDirectoryURL = URL(fileURLWithPath: directory.path)
    let err = Pipe()
    process.standardError = err
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let killer = DispatchWorkItem { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
    DispatchQueue.global().asyncAfter(deadline: .now() + 60, execute: killer)
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    killer.cancel()
    #expect(process.terminationReason == .exit, "killed after 60 s: the run hung")
    #expect(process.terminationStatus == 71, "\(stderr)")
    #expect(stderr.split(separator: "\n").count == 1 && stderr.contains("ulimit -v"), "\(stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
  }
}
