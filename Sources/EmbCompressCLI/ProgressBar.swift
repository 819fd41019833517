import Dispatch
import EmbCompress
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Progress on stderr: on a terminal, one line redrawn in place that fits its width; with
/// `--progress` elsewhere (a CI log, a notebook), plain lines now and then.
///
/// The ETA covers the whole run: the rows still to read in this pass and the passes after it,
/// at the rows per second of the run so far. While an iterative fit runs, more passes may come
/// than are known, and the ETA says so (`ETA ≥3s`). The fit reports only a few times a pass, so
/// on a terminal a timer moves the bar on between reports at the measured rate (never past the
/// end of the pass) and keeps the ETA ticking. Steps that count something other than rows (the
/// plan's candidates, `Converter.Progress.unit`) show their count and their rate within the phase
/// instead, and the ETA of the phase.
final class ProgressBar: @unchecked Sendable {
  enum Mode: Equatable {
    case off
    /// A terminal: redraw in place.
    case terminal
    /// Plain lines: as each pass starts and ends, and every `interval` seconds between.
    case lines(interval: Double)
  }

  private let mode: Mode
  private let lock = NSLock()
  private let started = Date()
  private var latest: Converter.Progress?
  private var latestAt = Date()
  /// The rows shown for the current pass, so the bar never moves back.
  private var shownRows = 0
  private var phaseKey = ""
  private var phaseStart = Date()
  private var lastDraw = Date.distantPast
  private var timer: DispatchSourceTimer?

  init(mode: Mode) {
    self.mode = mode
    guard mode != .off else { return }
    let timer = DispatchSource.makeTimerSource(queue: .global())
    timer.schedule(deadline: .now() + 0.25, repeating: mode == .terminal ? 0.25 : 1)
    timer.setEventHandler { [weak self] in self?.tick() }
    timer.resume()
    self.timer = timer
  }

  /// Seconds between plain lines within a pass.
  static let lineInterval = 5.0

  static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

  /// The terminal's width in columns, from the kernel (TIOCGWINSZ), asked on every draw so a
  /// resized window is followed; 80 when stderr is no terminal.
  static var terminalWidth: Int {
    var size = winsize()
    let status = withUnsafeMutablePointer(to: &size) { ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), $0) }
    return status == 0 && size.ws_col > 0 ? Int(size.ws_col) : 80
  }

  func update(_ progress: Converter.Progress) {
    guard mode != .off else { return }
    lock.lock()
    defer { lock.unlock() }
    let now = Date()
    let key = "\(progress.pass) \(progress.phase)"
    let newPhase = key != phaseKey
    if newPhase {
      phaseKey = key
      phaseStart = now
      shownRows = 0
    }
    latest = progress
    latestAt = now
    shownRows = max(shownRows, progress.rowsDone)
    switch mode {
    case .off: break
    case .terminal:
      if newPhase || now.timeIntervalSince(lastDraw) >= 0.1 || progress.rowsDone >= progress.rowsTotal { draw(now) }
    case .lines(let interval):
      let ended = progress.rowsDone >= progress.rowsTotal
      if newPhase || ended || now.timeIntervalSince(lastDraw) >= interval { draw(now) }
    }
  }

  /// Clears the bar so the summary starts on a clean line.
  func finish() {
    guard mode != .off else { return }
    lock.lock()
    defer { lock.unlock() }
    timer?.cancel()
    timer = nil
    if mode == .terminal && latest != nil { write("\r\u{1B}[K") }
  }

  private func tick() {
    lock.lock()
    defer { lock.unlock() }
    guard timer != nil, latest != nil else { return }
    let now = Date()
    if case .lines(let interval) = mode, now.timeIntervalSince(lastDraw) < interval { return }
    draw(now)
  }

  /// Rows per second over the run so far: every pass reads all rows.
  private func rowRate(_ progress: Converter.Progress) -> Double {
    let processed = Double(max(0, progress.pass - 1) * progress.rowsTotal + progress.rowsDone)
    let elapsed = latestAt.timeIntervalSince(started)
    return elapsed > 0 && processed > 0 ? processed / elapsed : 0
  }

  private func draw(_ now: Date) {
    guard let progress = latest else { return }
    lastDraw = now
    let neighbours = progress.phase == "neighbours"
    // Counted per phase, not as rows over passes: the neighbour check's searches, the plan's candidates.
    let perPhase = neighbours || progress.unit != nil
    let total = max(1, progress.rowsTotal)
    var rate: Double
    var done = Double(progress.rowsDone)
    if perPhase {
      let elapsed = latestAt.timeIntervalSince(phaseStart)
      rate = elapsed > 0 ? done / elapsed : 0
    } else {
      rate = rowRate(progress)
      if mode == .terminal && progress.rowsDone < progress.rowsTotal && rate > 0 {
        // Between the fit's reports: move on at the measured rate, short of the pass's end.
        let guess = Double(progress.rowsDone) + rate * now.timeIntervalSince(latestAt)
        shownRows = max(shownRows, min(progress.rowsTotal - 1, Int(guess)))
      }
      done = Double(shownRows)
    }
    let fraction = min(1, done / Double(total))
    var eta: Double?
    if rate > 0 {
      let remaining =
        perPhase
        ? Double(total) - done
        : Double(max(0, progress.passes - progress.pass) * progress.rowsTotal) + Double(total) - done
      eta = max(0, remaining / rate)
    }
    let text = ProgressLine(
      phase: progress.phase, detail: progress.detail, pass: progress.pass, passes: progress.passes,
      passesMayGrow: progress.passesMayGrow, fraction: fraction, rate: neighbours ? nil : rate, eta: eta,
      count: progress.unit.map { (progress.rowsDone, progress.rowsTotal, $0) })
    switch mode {
    case .off: break
    case .terminal:
      write("\r" + text.render(width: Self.terminalWidth - 1) + "\u{1B}[K")
    case .lines:
      write("progress: " + text.render(width: nil) + "\n")
    }
  }

  private func write(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
  }
}
