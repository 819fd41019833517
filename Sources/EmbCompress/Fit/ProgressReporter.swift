/// Calls the progress handler at the start, every quarter of the rows, and the end of a pass.
struct ProgressReporter {
  let pass: Int
  let rows: Int
  let phase: String
  let progress: (@Sendable (FitProgress) -> Void)?
  private var next = 0

  init(pass: Int, rows: Int, phase: String, progress: (@Sendable (FitProgress) -> Void)?) {
    self.pass = pass
    self.rows = rows
    self.phase = phase
    self.progress = progress
  }

  mutating func report(_ done: Int) {
    guard let progress, done >= next, done < rows else { return }
    progress(FitProgress(pass: pass, rowsDone: done, rowsTotal: rows, phase: phase))
    next = done + max(1, rows / 4)
  }

  func finish() {
    progress?(FitProgress(pass: pass, rowsDone: rows, rowsTotal: rows, phase: phase))
  }
}
