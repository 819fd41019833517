import ArgumentParser
import EmbCompress

/// The options that widen the fit beyond one compositional term: more terms, a projection,
/// rows kept exactly, and per-id counts that weight the fit.
struct FamilyArguments: ParsableArguments {
  @Option(help: "mult: the table is the sum of R terms over the same partitions (default 1).")
  var terms: Int = 1

  @Option(help: ArgumentHelp("K-wide tables mapped to the table's width by a K×dim projection (1 ≤ K < dim).", valueName: "K"))
  var project: Int?

  @Option(help: ArgumentHelp("Store N rows exactly, or P% of them: the most counted with --counts, else the worst served.", valueName: "N|P%"))
  var exactRows: ExactRowCount?

  @Option(help: ArgumentHelp("Lookup counts, one per id (.npy 1-D, text one per line, or HDF5 with --counts-dataset); the fit minimises the weighted error.", valueName: "file"))
  var counts: String?

  @Option(help: ArgumentHelp("HDF5 counts: the 1-D dataset.", valueName: "path"))
  var countsDataset: String?

  @Option(help: ArgumentHelp("Every id weighs at least F × the mean count (default 0.01; 0 is the pure weighted fit).", valueName: "F"))
  var countsFloor: Double?

  func validate() throws {
    if terms < 1 { throw ValidationError("--terms must be at least 1, not \(terms)") }
    if let project, project < 1 { throw ValidationError("--project must be at least 1, not \(project)") }
    if counts == nil && countsDataset != nil { throw ValidationError("--counts-dataset needs --counts") }
    if counts == nil && countsFloor != nil { throw ValidationError("--counts-floor needs --counts") }
    if let countsFloor, !(countsFloor >= 0) || !countsFloor.isFinite {
      throw ValidationError("--counts-floor must be a finite number ≥ 0")
    }
  }

  var countsRequest: CountsRequest? {
    counts.map { CountsRequest(path: $0, dataset: countsDataset, floor: countsFloor ?? IdCounts.defaultFloor) }
  }
}

extension ExactRowCount: ExpressibleByArgument {}
