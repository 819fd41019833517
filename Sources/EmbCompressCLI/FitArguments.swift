import ArgumentParser
import Foundation
import EmbCompress

/// The options that choose and tune the compositional fit.
struct FitArguments: ParsableArguments {
  @Option(help: ArgumentHelp("Partition scheme.", valueName: "hash|qr|gqr|crt"))
  var scheme: PartitionScheme = .qr

  @Option(help: ArgumentHelp("How the partitions' rows combine.", valueName: "mult|add|concat"))
  var operation: CombineOperation = .mult

  @Option(help: ArgumentHelp("concat: each partition's width, in partition order (default: even split).", valueName: "d1,d2,…"))
  var concatDims: IntegerList?

  @Option(help: "qr, hash: the remainder-table size m, as DLRM's --qr-collisions (default 4).")
  var collisions: Int?

  @Option(help: ArgumentHelp("gqr, crt: the moduli (product ≥ rows; pairwise coprime for crt).", valueName: "m1,m2,…"))
  var moduli: IntegerList?

  @Option(help: "gqr, crt: this many partitions, moduli chosen near rows^(1/K) (default 3).")
  var partitions: Int?

  @Option(help: "The sizing whose compression ratio is closest to R without going under it.")
  var ratio: Double?

  @Option(help: ArgumentHelp("Stored precision of the tables.", valueName: "f32|f16|bf16"))
  var precision: StoragePrecision = .f32

  @Option(help: "Most iterations of an iterative fit.")
  var maxIterations: Int = FitOptions().maxIterations

  @Option(help: "Stop when the relative change in squared error falls below this.")
  var tolerance: Double = FitOptions().tolerance

  @Option(help: "Seed for the fits that start from random values.")
  var seed: UInt64 = FitOptions().seed

  @Option(help: ArgumentHelp("Memory for holding the table, e.g. 512M or 4G (default: a quarter of RAM); larger tables are streamed.", valueName: "bytes"))
  var memory: ByteCount?

  @Option(help: "Threads for the arithmetic (default: all cores).")
  var threads: Int = SystemResources.coreCount

  func validate() throws {
    let given = [collisions != nil, moduli != nil, partitions != nil, ratio != nil].filter { $0 }.count
    if given > 1 { throw ValidationError("--collisions, --moduli, --partitions and --ratio exclude each other; give one") }
    if maxIterations < 1 { throw ValidationError("--max-iterations must be at least 1") }
    if !(tolerance >= 0) || !tolerance.isFinite { throw ValidationError("--tolerance must be a non-negative number") }
    if threads < 1 { throw ValidationError("--threads must be at least 1") }
    // R is how many times smaller the tables are than the input: 1 or less cannot compress.
    if let ratio, !(ratio > 1) || !ratio.isFinite {
      throw ValidationError("--ratio must be above 1 (R times smaller than the input), not \(String(format: "%g", ratio))")
    }
  }

  var sizing: Sizing? {
    if let collisions { return .collisions(collisions) }
    if let moduli { return .moduli(moduli.values) }
    if let partitions { return .partitions(partitions) }
    if let ratio { return .ratio(ratio) }
    return nil
  }

  var options: FitOptions {
    var options = FitOptions()
    options.maxIterations = maxIterations
    options.tolerance = tolerance
    options.seed = seed
    options.threads = threads
    if let memory { options.memoryBudget = memory.bytes }
    return options
  }
}

extension PartitionScheme: ExpressibleByArgument {}
extension CombineOperation: ExpressibleByArgument {}
extension StoragePrecision: ExpressibleByArgument {}
