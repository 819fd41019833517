import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A tmpfs mounted on a fresh folder for the length of a test: a tiny disk to fill, or a
/// read-only one. Root only; elsewhere the test says it was skipped.
enum TemporaryMount {
  /// Runs `body` with the mount point, or prints why it was skipped and returns.
  static func withTmpfs(options: String, _ body: (String) throws -> Void) throws {
    guard getuid() == 0 else {
      print("skipped: this test mounts a tmpfs (\(options)) and needs root")
      return
    }
    let directory = try TemporaryDirectory()
    guard run("/bin/mount", ["-t", "tmpfs", "-o", options, "tmpfs", directory.path]) == 0 else {
      print("skipped: cannot mount a tmpfs (\(options)) here")
      return
    }
    defer { _ = run("/bin/umount", [directory.path]) }
    try body(directory.path)
  }

  private static func run(_ tool: String, _ arguments: [String]) -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = arguments
    guard (try? process.run()) != nil else { return -1 }
    process.waitUntilExit()
    return process.terminationStatus
  }
}
