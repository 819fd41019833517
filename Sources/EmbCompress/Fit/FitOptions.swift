import Foundation

/// How hard and with what resources `CompositionalFitter` works.
///
///     var options = FitOptions()
///     options.memoryBudget = 1 << 30
///     options.threads = 1
public struct FitOptions: Sendable, Equatable {
  /// The most solver rounds: ALS or backfitting sweeps, CP rounds (one update of every table).
  public var maxIterations: Int
  /// Stop once a round lowers the total squared error by less than this fraction of it.
  public var tolerance: Double
  /// Seeds the random CP restarts and ALS starting vectors; the same seed gives the same fit.
  public var seed: UInt64
  /// Bytes the fit may hold: a table no larger is read once and kept in memory for later passes,
  /// and the exact-Gram route of the mult fit may take a quarter of it.
  public var memoryBudget: Int
  /// Worker threads; the result is bit-identical for any count.
  public var threads: Int
  /// The largest block of rows read from the source at a time.
  public var maxBlockBytes: Int
  /// Random starts of the CP fit (mult with ≥ 3 partitions, or crt), best kept per column.
  public var restarts: Int

  public init(
    maxIterations: Int = 100, tolerance: Double = 1e-6, seed: UInt64 = 0,
    memoryBudget: Int = FitOptions.defaultMemoryBudget, threads: Int = FitOptions.defaultThreads,
    maxBlockBytes: Int = BlockSizing.defaultMaxBytes, restarts: Int = 8
  ) {
    self.maxIterations = maxIterations
    self.tolerance = tolerance
    self.seed = seed
    self.memoryBudget = memoryBudget
    self.threads = threads
    self.maxBlockBytes = maxBlockBytes
    self.restarts = restarts
  }

  /// A quarter of physical memory.
  public static var defaultMemoryBudget: Int { SystemResources.physicalMemory / 4 }

  /// Every active core.
  public static var defaultThreads: Int { SystemResources.coreCount }
}
