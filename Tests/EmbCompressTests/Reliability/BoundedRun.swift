import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Runs the built `embcompress` with a time limit, so a hang fails the test instead of the
/// whole suite; the process is killed when the limit passes.
enum BoundedRun {
  struct Result {
    var status: Int32
    /// Killed by a signal (a crash), rather than exiting.
    var signalled: Bool
    var timedOut: Bool
    var stdout: String
    var stderr: String
    var seconds: Double

    /// stderr's non-empty lines.
    var errorLines: [String] { stderr.split(separator: "\n").map(String.init) }
  }

  static func run(
    _ arguments: [String], seconds limit: Double = 120, currentDirectory: String? = nil,
    environment: [String: String] = [:]
  ) throws -> Result {
    let process = Process()
    process.executableURL = CommandRunner.executable
    process.arguments = arguments
    if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let started = Date()
    try process.run()
    let killer = DispatchWorkItem { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
    DispatchQueue.global().asyncAfter(deadline: .now() + limit, execute: killer)
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    killer.cancel()
    let seconds = Date().timeIntervalSince(started)
    return Result(
      status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
      timedOut: seconds >= limit && process.terminationReason == .uncaughtSignal,
      stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self),
      seconds: seconds)
  }

  /// The repository's root, for its scripts and fixture generators.
  static let repository: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<4 { url.deleteLastPathComponent() }
    return url.path
  }()
}
