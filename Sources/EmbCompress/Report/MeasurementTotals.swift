/// The sums the measuring pass keeps over a chunk of rows, plain and weighted by lookups; chunks
/// are merged in id order, so every sum is the same bits for any thread count.
struct MeasurementTotals {
  /// Σ‖E_i − Ê_i‖², Σ‖E_i‖², and what int8 and float16 would leave.
  var error = 0.0, norm = 0.0, int8 = 0.0, float16 = 0.0
  var maxAbs = 0.0
  /// Σ of the per-row relative errors and cosines (as stored, Float), for the means.
  var relativeSum = 0.0, cosineSum = 0.0
  var maxRelative: Float = 0, minCosine: Float = 1
  /// `ErrorHistogram`'s 20 bins, then the overflow.
  var histogram = [Int](repeating: 0, count: ErrorHistogram.binCount + 1)
  var worst = WorstRowList(capacity: 10)

  /// The same, each row weighted by its count; the extremes over rows counted at least once.
  var weightedTotals: Weighted?

  struct Weighted {
    var lookups = 0.0, error = 0.0, norm = 0.0, int8 = 0.0, float16 = 0.0
    var maxAbs = 0.0
    var relativeSum = 0.0, cosineSum = 0.0
    var maxRelative: Float = 0, minCosine: Float = 1
    var countedRows = 0
    var histogram = [Double](repeating: 0, count: ErrorHistogram.binCount + 1)
  }

  init(weighted: Bool, worstRows: Int = 10) {
    weightedTotals = weighted ? Weighted() : nil
    worst = WorstRowList(capacity: worstRows)
  }

  /// One row: its comparison sums, its stored relative error and cosine, its baselines' errors.
  @inline(__always)
  mutating func add(
    id: Int, errorSquared: Double, normSquared: Double, maxAbsolute: Double, relative: Float, cosine: Float,
    int8: Double, float16: Double, weight: Double
  ) {
    error += errorSquared
    norm += normSquared
    maxAbs = Swift.max(maxAbs, maxAbsolute)
    self.int8 += int8
    self.float16 += float16
    relativeSum += Double(relative)
    cosineSum += Double(cosine)
    maxRelative = Swift.max(maxRelative, relative)
    minCosine = Swift.min(minCosine, cosine)
    let bin = ErrorHistogram.bin(of: Double(relative)) ?? ErrorHistogram.binCount
    histogram[bin] += 1
    worst.offer(error: relative, id: id, norm: Float(normSquared.squareRoot()))
    guard weightedTotals != nil, weight > 0 else { return }
    weightedTotals!.lookups += weight
    weightedTotals!.error += weight * errorSquared
    weightedTotals!.norm += weight * normSquared
    weightedTotals!.int8 += weight * int8
    weightedTotals!.float16 += weight * float16
    weightedTotals!.maxAbs = Swift.max(weightedTotals!.maxAbs, maxAbsolute)
    weightedTotals!.relativeSum += weight * Double(relative)
    weightedTotals!.cosineSum += weight * Double(cosine)
    weightedTotals!.maxRelative = Swift.max(weightedTotals!.maxRelative, relative)
    weightedTotals!.minCosine = Swift.min(weightedTotals!.minCosine, cosine)
    weightedTotals!.countedRows += 1
    weightedTotals!.histogram[bin] += weight
  }

  /// Adds the chunk that follows this one.
  mutating func merge(_ next: MeasurementTotals) {
    error += next.error
    norm += next.norm
    int8 += next.int8
    float16 += next.float16
    maxAbs = Swift.max(maxAbs, next.maxAbs)
    relativeSum += next.relativeSum
    cosineSum += next.cosineSum
    maxRelative = Swift.max(maxRelative, next.maxRelative)
    minCosine = Swift.min(minCosine, next.minCosine)
    for bin in histogram.indices { histogram[bin] += next.histogram[bin] }
    worst.merge(next.worst)
    guard var mine = weightedTotals, let theirs = next.weightedTotals else { return }
    mine.lookups += theirs.lookups
    mine.error += theirs.error
    mine.norm += theirs.norm
    mine.int8 += theirs.int8
    mine.float16 += theirs.float16
    mine.maxAbs = Swift.max(mine.maxAbs, theirs.maxAbs)
    mine.relativeSum += theirs.relativeSum
    mine.cosineSum += theirs.cosineSum
    mine.maxRelative = Swift.max(mine.maxRelative, theirs.maxRelative)
    mine.minCosine = Swift.min(mine.minCosine, theirs.minCosine)
    mine.countedRows += theirs.countedRows
    for bin in mine.histogram.indices { mine.histogram[bin] += theirs.histogram[bin] }
    weightedTotals = mine
  }
}
