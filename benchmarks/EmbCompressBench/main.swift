// embcompress-bench: the measurements scripts/bench needs from inside the process, each printed
// as one JSON object on stdout.
//
//   embcompress-bench stream-sum FILE [--repeat R]
//       Reads the table into one buffer, then times a plain SIMD sum over it on 1 and on 2 threads:
//       the machine's streaming read bandwidth over the same bytes.
//   embcompress-bench read FILE [--repeat R] [--threads N]
//       Times whole passes of `forEachBlock` with an empty body: embcompress's own HDF5 (or npy,
//       raw) read path, with read-ahead when N > 1.
//   embcompress-bench fit FILE --scheme S --operation O [--collisions M | --partitions K]
//                         [--threads N] [--memory BYTES]
//       Runs CompositionalFitter as `embcompress convert` does and times every pass over the rows.
//
// MB and GB are 10^6 and 10^9 bytes.
import Dispatch
import EmbCompress
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

func peakRSSBytes() -> Int {
  var usage = rusage()
  getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
  return Int(usage.ru_maxrss) * 1024
}

func fail(_ message: String) -> Never {
  FileHandle.standardError.write(Data(("embcompress-bench: " + message + "\n").utf8))
  exit(2)
}

func emit(_ object: [String: Any]) {
  let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
  print(String(decoding: data, as: UTF8.self))
}

struct Arguments {
  var command: String
  var path: String
  var options: [String: String] = [:]

  init() {
    let all = Array(CommandLine.arguments.dropFirst())
    guard all.count >= 2 else { fail("usage: embcompress-bench stream-sum|read|fit FILE [options]") }
    command = all[0]
    path = all[1]
    var index = 2
    while index < all.count {
      guard all[index].hasPrefix("--"), index + 1 < all.count else { fail("bad option \(all[index])") }
      options[String(all[index].dropFirst(2))] = all[index + 1]
      index += 2
    }
  }

  func int(_ name: String, _ fallback: Int) -> Int {
    guard let text = options[name] else { return fallback }
    guard let value = Int(text) else { fail("--\(name) wants an integer") }
    return value
  }
}

func median(_ values: [Double]) -> Double {
  let sorted = values.sorted()
  return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

/// Σ of `values`, eight SIMD8 accumulators wide so the loop is bound by loads, not by add latency.
@inline(never)
func simdSum(_ values: UnsafeBufferPointer<Float>) -> Float {
  var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
  let base = UnsafeRawPointer(values.baseAddress!)
  let wide = values.count / 64
  var i = 0
  while i < wide {
    let p = base + i * 256
    a0 += p.loadUnaligned(as: SIMD16<Float>.self)
    a1 += p.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
    a2 += p.loadUnaligned(fromByteOffset: 128, as: SIMD16<Float>.self)
    a3 += p.loadUnaligned(fromByteOffset: 192, as: SIMD16<Float>.self)
    i += 1
  }
  var total = ((a0 + a1) + (a2 + a3)).sum()
  for j in (wide * 64)..<values.count { total += values[j] }
  return total
}

func streamSum(_ arguments: Arguments) throws {
  let table = try openTable(arguments.path)
  let info = table.info
  let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: info.count)
  defer { buffer.deallocate() }
  try table.readAll(into: buffer, readAhead: false) { _ in }
  let values = UnsafeBufferPointer(buffer)
  let repeats = arguments.int("repeat", 7)
  var result: [String: Any] = ["bytes": info.count * 4, "repeats": repeats]
  var sink: Float = 0
  for threads in [1, 2] {
    var seconds: [Double] = []
    for _ in 0..<(repeats + 1) {
      let parts = (0..<threads).map { t in
        UncheckedSendable(UnsafeBufferPointer(rebasing: values[(values.count * t / threads)..<(values.count * (t + 1) / threads)]))
      }
      let sums = UnsafeMutableBufferPointer<Float>.allocate(capacity: threads)
      defer { sums.deallocate() }
      let out = UncheckedSendable(sums)
      let start = now()
      DispatchQueue.concurrentPerform(iterations: threads) { t in out.value[t] = simdSum(parts[t].value) }
      seconds.append(now() - start)
      sink += sums.reduce(0, +)
    }
    seconds.removeFirst()  // the first run warms the TLB and the caches
    let bytes = Double(info.count * 4)
    result["threads_\(threads)"] = [
      "best_seconds": seconds.min()!, "median_seconds": median(seconds),
      "best_gb_per_s": bytes / seconds.min()! / 1e9, "median_gb_per_s": bytes / median(seconds) / 1e9,
    ]
  }
  result["checksum"] = Double(sink)
  result["peak_rss_bytes"] = peakRSSBytes()
  emit(result)
}

func read(_ arguments: Arguments) throws {
  let table = try openTable(arguments.path)
  let info = table.info
  let repeats = arguments.int("repeat", 5)
  let threads = arguments.int("threads", SystemResources.coreCount)
  var seconds: [Double] = []
  var checksum = 0.0
  for _ in 0..<repeats {
    let start = now()
    try table.forEachBlock(readAhead: threads > 1) { block in checksum += Double(block.values[0]) }
    seconds.append(now() - start)
  }
  let bytes = Double(info.rows * info.dim * info.elementType.byteSize)
  emit([
    "bytes": Int(bytes), "repeats": repeats, "threads": threads, "seconds": seconds,
    "best_gb_per_s": bytes / seconds.min()! / 1e9, "median_gb_per_s": bytes / median(seconds) / 1e9,
    "peak_rss_bytes": peakRSSBytes(), "checksum": checksum,
  ])
}

/// Start and end times of each pass over the rows, from the fitter's progress reports.
final class PassClock: @unchecked Sendable {
  private let lock = NSLock()
  private(set) var passes: [Int: (phase: String, start: Double, end: Double?)] = [:]

  func record(_ step: FitProgress) {
    let time = now()
    lock.lock()
    defer { lock.unlock() }
    if passes[step.pass] == nil { passes[step.pass] = (step.phase, time, nil) }
    if step.rowsDone == step.rowsTotal { passes[step.pass]!.end = time }
  }
}

func fit(_ arguments: Arguments) throws {
  let started = now()
  let table = try openTable(arguments.path)
  let info = table.info
  guard let scheme = PartitionScheme(rawValue: arguments.options["scheme"] ?? "qr") else { fail("bad --scheme") }
  guard let operation = CombineOperation(rawValue: arguments.options["operation"] ?? "mult") else { fail("bad --operation") }
  var sizing: Sizing?
  if let m = arguments.options["collisions"] { sizing = .collisions(Int(m) ?? 4) }
  if let k = arguments.options["partitions"] { sizing = .partitions(Int(k) ?? 3) }
  let layout = try CompositionalLayout(rows: info.rows, dim: info.dim, scheme: scheme, operation: operation, sizing: sizing)
  var options = FitOptions()
  options.threads = arguments.int("threads", options.threads)
  options.memoryBudget = arguments.int("memory", options.memoryBudget)
  let clock = PassClock()
  let result = try CompositionalFitter.fit(table, layout: layout, options: options) { clock.record($0) }
  let fitPeak = peakRSSBytes()
  // What `embcompress IN OUT` does after the fit, timed step by step (see docs/performance.md).
  var steps: [String: Double] = [:]
  var mark = now()
  let errors = try ReconstructionEvaluator.measure(table, against: RuleTables(result.tables), threads: options.threads)
  steps["measure_seconds"] = now() - mark
  mark = now()
  let metrics = errors.error  // percentiles are read off during the measuring pass now
  steps["metrics_seconds"] = now() - mark
  mark = now()
  let serialized = Checkpoint(
    tables: result.tables, precision: .f32, source: "bench", relativeError: metrics.relativeFrobenius
  ).serialized()
  steps["serialize_seconds"] = now() - mark
  mark = now()
  let output = arguments.options["output"] ?? "/dev/null"
  try Data(serialized).write(to: URL(fileURLWithPath: output))
  steps["write_seconds"] = now() - mark
  let bytes = Double(info.rows * info.dim * 4)
  let passes = clock.passes.keys.sorted().map { number -> [String: Any] in
    let pass = clock.passes[number]!
    let seconds = (pass.end ?? pass.start) - pass.start
    return ["pass": number, "phase": pass.phase, "seconds": seconds, "gb_per_s": bytes / seconds / 1e9]
  }
  emit([
    "method": result.method.rawValue, "iterations": result.iterations, "source_passes": result.passes,
    "row_passes": passes.count, "converged": result.converged, "fit_seconds": result.seconds,
    "seconds": now() - started, "relative_error": (result.squaredError / result.totalSquares).squareRoot(),
    "moduli": layout.partitions.map(\.modulus), "passes": passes, "bytes": Int(bytes),
    "peak_rss_bytes": peakRSSBytes(), "fit_peak_rss_bytes": fitPeak, "after_fit": steps, "checkpoint_bytes": serialized.count,
  ])
}

let arguments = Arguments()
do {
  switch arguments.command {
  case "stream-sum": try streamSum(arguments)
  case "read": try read(arguments)
  case "fit": try fit(arguments)
  default: fail("unknown command \(arguments.command)")
  }
} catch {
  fail("\(error)")
}
