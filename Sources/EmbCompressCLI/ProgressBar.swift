import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A one-line progress bar on stderr (pass, bar, rows/s, ETA), drawn only when stderr is a terminal.
final class ProgressBar: @unchecked Sendable {
  private let enabled: Bool
  private let lock = NSLock()
  private var phaseStart = Date()
  private var phase = ""
  private var lastDraw = Date.distantPast

  init(enabled: Bool) {
    self.enabled = enabled
  }

  static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

  /// Shows `done` of `total` rows for `phase`; redraws at most ten times a second.
  func update(phase: String, done: Int, total: Int) {
    guard enabled else { return }
    lock.lock()
    defer { lock.unlock() }
    let now = Date()
    if phase != self.phase {
      self.phase = phase
      phaseStart = now
    }
    guard now.timeIntervalSince(lastDraw) >= 0.1 || done >= total else { return }
    lastDraw = now
    let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
    let width = 24
    let filled = Int(fraction * Double(width))
    let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
    let elapsed = now.timeIntervalSince(phaseStart)
    let rate = elapsed > 0 ? Double(done) / elapsed : 0
    let eta = rate > 0 ? Double(total - done) / rate : 0
    let line = String(
      format: "\r%@ %@ %3.0f%%  %@ rows/s  ETA %@", phase.padding(toLength: 14, withPad: " ", startingAt: 0), bar,
      fraction * 100, Self.compact(rate), Self.duration(eta))
    FileHandle.standardError.write(Data((line + "\u{1B}[K").utf8))
  }

  /// Clears the bar so the summary starts on a clean line.
  func finish() {
    guard enabled else { return }
    FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
  }

  static func compact(_ value: Double) -> String {
    switch value {
    case 1e9...: String(format: "%.1fG", value / 1e9)
    case 1e6...: String(format: "%.1fM", value / 1e6)
    case 1e3...: String(format: "%.1fk", value / 1e3)
    default: String(format: "%.0f", value)
    }
  }

  static func duration(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    return s >= 3600 ? "\(s / 3600)h\(s % 3600 / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
  }
}
