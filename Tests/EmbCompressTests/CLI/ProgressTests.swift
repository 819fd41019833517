import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The progress display: in a terminal, one line redrawn in place that fits its width; with
/// `--progress` to a pipe, plain lines; to a pipe without it, nothing.
@Suite struct ProgressTests {
  static let real = FixtureManifest.path("real/minilm_position_embeddings.h5")

  /// Runs the binary with stderr on a new pseudo-terminal `columns` wide; returns what it wrote
  /// there and its exit status.
  private func runInTerminal(_ arguments: [String], columns: Int) throws -> (status: Int32, stderr: String) {
    // posix_openpt and friends are not imported into Swift; they come down to these Linux
    // ioctls on /dev/ptmx: TIOCSPTLCK (unlock the pair) and TIOCGPTN (the slave's number).
    let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
    try #require(master >= 0)
    defer { close(master) }
    var unlock: Int32 = 0
    var number: UInt32 = 0
    try #require(withUnsafeMutablePointer(to: &unlock) { ioctl(master, 0x4004_5431, $0) } == 0)
    try #require(withUnsafeMutablePointer(to: &number) { ioctl(master, 0x8004_5430, $0) } == 0)
    let slave = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
    try #require(slave >= 0)
    var size = winsize(ws_row: 24, ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
    try #require(withUnsafeMutablePointer(to: &size) { ioctl(slave, UInt(TIOCSWINSZ), $0) } == 0)

    let process = Process()
    process.executableURL = CommandRunner.executable
    process.arguments = arguments
    process.standardError = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    close(slave)
    // Read until the last writer (the child) is gone: then the master reads EIO.
    var output: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
      let count = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, 4096) }
      if count <= 0 { break }
      output += buffer[0..<count]
    }
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self))
  }

  @Test(arguments: [50, 120])
  func barFitsTheTerminalAndRedrawsInPlace(columns: Int) throws {
    let directory = try TemporaryDirectory()
    let (status, stderr) = try runInTerminal([Self.real, directory.file("out.qr")], columns: columns)
    #expect(status == 0, "\(stderr)")
    // No line feeds: every draw returns to the line's start and clears what is left of it.
    #expect(!stderr.contains("\n"), "\(stderr)")
    let draws = stderr.components(separatedBy: "\r").map { $0.replacingOccurrences(of: "\u{1B}[K", with: "") }
      .filter { !$0.isEmpty }
    #expect(draws.count >= 5, "\(draws)")
    for draw in draws {
      // One column short of the width, so the cursor never wraps.
      #expect(draw.count <= columns - 1, "\(draw.count) > \(columns - 1): \(draw)")
      #expect(draw.contains("%") && draw.contains("ETA"), "\(draw)")
    }
    // The run's passes are counted across it: two fit passes and the measuring pass.
    #expect(draws.contains { $0.hasPrefix("pass 1/3") })
    #expect(draws.contains { $0.hasPrefix("pass 3/3") })
    #expect(draws.contains { $0.hasPrefix("neighbours") })
    if columns >= 120 {
      #expect(draws.contains { $0.hasPrefix("pass 1/3 fit (gram)") && $0.contains("rows/s") })
    }
    // The last thing written clears the bar, so the summary starts on a clean line.
    #expect(stderr.hasSuffix("\r\u{1B}[K"))
  }

  @Test func planBarCountsCandidatesNotRows() throws {
    let (status, stderr) = try runInTerminal(["plan", Self.real, "--ratio", "8", "--seconds", "600"], columns: 120)
    #expect(status == 0, "\(stderr)")
    let draws = stderr.components(separatedBy: "\r").map { $0.replacingOccurrences(of: "\u{1B}[K", with: "") }
      .filter { !$0.isEmpty }
    #expect(draws.contains { $0.hasPrefix("plan: screen ") && $0.contains(" candidates") }, "\(draws)")
    for draw in draws {
      #expect(draw.count <= 119 && draw.contains("ETA"), "\(draw)")
      // The plan reads no rows per step: no row rate and no passes.
      #expect(!draw.contains("rows/s") && !draw.hasPrefix("pass "), "\(draw)")
    }
  }

  @Test func progressToAPipeIsPlainLines() throws {
    let directory = try TemporaryDirectory()
    let result = try CommandRunner.run([Self.real, directory.file("out.qr"), "--progress", "--quiet"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.isEmpty)
    #expect(!result.stderr.contains("\r") && !result.stderr.contains("\u{1B}"))
    let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
    #expect(result.stderr.hasSuffix("\n"))
    #expect(lines.count >= 5, "\(lines)")
    for line in lines { #expect(line.hasPrefix("progress: ") && line.contains("ETA"), "\(line)") }
    #expect(lines.contains { $0.hasPrefix("progress: pass 1/3 fit (gram)") })
    #expect(lines.contains { $0.hasPrefix("progress: pass 3/3 measure") && $0.contains("100%") })
    #expect(lines.last?.hasPrefix("progress: neighbours") == true && lines.last?.contains("100%") == true)
  }

  @Test func nothingToAPipeWithoutProgress() throws {
    let directory = try TemporaryDirectory()
    let result = try CommandRunner.run([Self.real, directory.file("out.qr"), "--quiet"])
    #expect(result.status == 0)
    #expect(result.stderr.isEmpty)
  }
}
