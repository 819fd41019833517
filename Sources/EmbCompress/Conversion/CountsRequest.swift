/// Where `--counts` come from and how they are floored.
///
///     CountsRequest(path: "counts.npy")                       // floor: 1% of the mean count
///     CountsRequest(path: "stats.h5", dataset: "/counts", floor: 0)  // the pure weighted fit
public struct CountsRequest: Sendable, Equatable {
  public var path: String
  /// The 1-D dataset, for HDF5 counts (`--counts-dataset`).
  public var dataset: String?
  /// Every id weighs at least this fraction of the mean count (`--counts-floor`).
  public var floor: Double

  public init(path: String, dataset: String? = nil, floor: Double = IdCounts.defaultFloor) {
    self.path = path
    self.dataset = dataset
    self.floor = floor
  }
}
