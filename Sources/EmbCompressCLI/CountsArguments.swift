import ArgumentParser
import EmbCompress

/// Per-id lookup counts that weight the fit: `--counts`, `--counts-dataset`, `--counts-floor`.
/// Shared by `convert` (in `FamilyArguments`) and `plan`, so both read and floor them alike.
struct CountsArguments: ParsableArguments {
  @Option(help: ArgumentHelp("Lookup counts, one per id (.npy 1-D, text one per line, or HDF5 with --counts-dataset); the fit minimises the weighted error.", valueName: "file"))
  var counts: String?

  @Option(help: ArgumentHelp("HDF5 counts: the 1-D dataset.", valueName: "path"))
  var countsDataset: String?

  @Option(help: ArgumentHelp("Every id weighs at least F × the mean count (default 0.01; 0 is the pure weighted fit).", valueName: "F"))
  var countsFloor: Double?

  func validate() throws {
    if counts == nil && countsDataset != nil { throw ValidationError("--counts-dataset needs --counts") }
    if counts == nil && countsFloor != nil { throw ValidationError("--counts-floor needs --counts") }
    if let countsFloor, !(countsFloor >= 0) || !countsFloor.isFinite {
      throw ValidationError("--counts-floor must be a finite number ≥ 0")
    }
  }

  var request: CountsRequest? {
    counts.map { CountsRequest(path: $0, dataset: countsDataset, floor: countsFloor ?? IdCounts.defaultFloor) }
  }
}
