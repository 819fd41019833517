/// How alike rows are at each distance in id: S(L), the mean cosine between row i and row i + L
/// (after a transform and centring), over a seeded sample of anchor rows.
///
/// A crossed feature id = a·K + b makes rows K apart share b, so S has a peak at every multiple
/// of K; nested levels (mixed radix) add peaks at the products of their moduli. Two transforms
/// see two kinds of sharing: the centred values see a shared term of a sum (add), the centred
/// log-magnitudes log|x| a shared factor of a product (mult) — a product's log-magnitude is the
/// sum of its factors', so a shared factor is a shared term again, while its sign is random and
/// averages out in the values themselves.
///
/// Cost: for each of `blocks` runs of `anchors` consecutive anchor rows, one window of
/// `maxLag + anchors` rows against the anchors, by BLAS `sgemm` in chunks: about
/// blocks · anchors · maxLag · d multiply-adds per transform.
import COpenBLAS

import Foundation

struct LagProfile {
  enum Transform: String, Sendable, CaseIterable {
    case values
    case logMagnitudes = "log-magnitudes"
  }

  /// The most columns a profile looks at.
  static let maxColumns = 64

  let transform: Transform
  /// `similarity[L]` for L in 0...maxLag (index 0 is unused).
  let similarity: [Double]
  var maxLag: Int { similarity.count - 1 }

  /// Both transforms' profiles from the same reads; nil when the table is too short to have one.
  static func measure(
    _ source: any TableSource, maxLag wanted: Int, anchors: Int = 32, seed: UInt64
  ) throws -> [LagProfile]? {
    let rows = source.info.rows
    // A shared component shows in every column, so at most 64 of them (evenly spaced) are enough
    // and keep a wide table's profile as cheap as a narrow one's.
    let dim = min(source.info.dim, maxColumns)
    // Lags up to half the table leave room to spread the anchors; a period up to a quarter of
    // the rows still shows at two multiples.
    let maxLag = min(wanted, rows / 2)
    guard maxLag >= 4, rows - anchors - maxLag >= 1 else { return nil }
    // At least 8 blocks; more on small tables, where each costs little, up to about 2²⁸
    // multiply-adds per transform and one block per 32 rows of room.
    let room = rows - anchors - maxLag
    let affordable = (1 << 28) / max(1, anchors * maxLag * dim)
    let blocks = max(1, min(max(8, affordable), room / anchors, 256))
    let transforms = Transform.allCases
    let means = try columnMeans(source, transforms: transforms, seed: seed)
    var sums = [[Double]](repeating: [Double](repeating: 0, count: maxLag + 1), count: transforms.count)
    var counts = [Double](repeating: 0, count: maxLag + 1)
    var random = SplitMix64(seed: seed ^ 0x1A6_9F0F11E)
    let chunk = 4096
    for block in 0..<blocks {
      // Starts spread over the table, each jittered within its share, so one block never sits
      // only in a corner of the id space.
      let share = max(1, room / blocks)
      let start = min(room - 1, block * share + Int(random.next() % UInt64(share)))
      let anchorRows = try transformed(source, start..<(start + anchors), transforms: transforms, means: means)
      var low = 1
      while low <= maxLag {
        let high = min(maxLag, low + chunk - 1)
        // Rows start + low … start + anchors − 1 + high hold every partner at a lag in
        // low…high; `room` keeps them inside the table.
        let first = start + low
        let last = start + anchors + high
        let window = try transformed(source, first..<last, transforms: transforms, means: means)
        // For anchor j the rows at lags low…high start at window row start + j + low − first:
        // one matrix–vector product per anchor, all added into the same lag vector.
        let length = high - low + 1
        for t in transforms.indices {
          var lagSums = [Float](repeating: 0, count: length)
          anchorRows[t].withUnsafeBufferPointer { anchorsBuffer in
            window[t].withUnsafeBufferPointer { windowBuffer in
              lagSums.withUnsafeMutableBufferPointer { y in
                for j in 0..<anchors {
                  let offset = start + j + low - first
                  cblas_sgemv(
                    CblasRowMajor, CblasNoTrans, blasint(length), blasint(dim), 1,
                    windowBuffer.baseAddress! + offset * dim, blasint(dim), anchorsBuffer.baseAddress! + j * dim, 1, 1,
                    y.baseAddress!, 1)
                }
              }
            }
          }
          for index in 0..<length { sums[t][low + index] += Double(lagSums[index]) }
        }
        for index in 0..<length { counts[low + index] += Double(anchors) }
        low = high + 1
      }
    }
    return transforms.enumerated().map { t, transform in
      LagProfile(transform: transform, similarity: sums[t].enumerated().map { counts[$0] > 0 ? $1 / counts[$0] : 0 })
    }
  }

  /// Per transform, the column means over a strided sample of rows (at most 4096).
  /// The columns a profile looks at: `maxColumns` evenly spaced ones, or all.
  static func columns(dim: Int) -> [Int] {
    dim <= maxColumns ? Array(0..<dim) : (0..<maxColumns).map { $0 * dim / maxColumns }
  }

  private static func columnMeans(_ source: any TableSource, transforms: [Transform], seed: UInt64) throws -> [[Double]] {
    let (rows, full) = (source.info.rows, source.info.dim)
    let picked = columns(dim: full)
    let dim = picked.count
    let step = max(1, rows / 4096)
    var means = [[Double]](repeating: [Double](repeating: 0, count: dim), count: transforms.count)
    var row = [Float](repeating: 0, count: full)
    var count = 0
    for id in stride(from: 0, to: rows, by: step) {
      try row.withUnsafeMutableBufferPointer { try source.readRows(id..<(id + 1), into: $0) }
      for (t, transform) in transforms.enumerated() {
        for (c, column) in picked.enumerated() { means[t][c] += Double(apply(transform, row[column])) }
      }
      count += 1
    }
    return means.map { $0.map { $0 / Double(count) } }
  }

  @inline(__always)
  private static func apply(_ transform: Transform, _ x: Float) -> Float {
    switch transform {
    case .values: x
    // The floor keeps exact zeros finite; centring and scaling then absorb it.
    case .logMagnitudes: log(max(abs(x), 1e-30))
    }
  }

  /// Rows `range`, per transform: transformed, centred and scaled to unit length (a zero row
  /// stays zero), row-major.
  private static func transformed(
    _ source: any TableSource, _ range: Range<Int>, transforms: [Transform], means: [[Double]]
  ) throws -> [[Float]] {
    let full = source.info.dim
    let picked = columns(dim: full)
    let dim = picked.count
    var read = [Float](repeating: 0, count: range.count * full)
    try read.withUnsafeMutableBufferPointer { try source.readRows(range, into: $0) }
    var raw = read
    if dim < full {
      raw = [Float](repeating: 0, count: range.count * dim)
      for i in 0..<range.count {
        for (c, column) in picked.enumerated() { raw[i * dim + c] = read[i * full + column] }
      }
    }
    return transforms.enumerated().map { t, transform in
      let mean = means[t].map(Float.init)
      var out = [Float](repeating: 0, count: raw.count)
      raw.withUnsafeBufferPointer { raw in
        mean.withUnsafeBufferPointer { mean in
          out.withUnsafeMutableBufferPointer { out in
            for i in 0..<range.count {
              let base = i * dim
              var norm: Float = 0
              for c in 0..<dim {
                let x = raw[base + c]
                let v = (transform == .values ? x : log(max(abs(x), 1e-30))) - mean[c]
                out[base + c] = v
                norm += v * v
              }
              guard norm > 0 else { continue }
              let scale = 1 / norm.squareRoot()
              for c in 0..<dim { out[base + c] *= scale }
            }
          }
        }
      }
      return out
    }
  }
}
