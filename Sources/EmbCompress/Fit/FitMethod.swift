/// Which algorithm a fit ran; docs/fits.md describes each.
public enum FitMethod: String, Sendable, Equatable, Codable {
  /// hash and concat: each table row is the mean of its bucket's rows (closed form).
  case bucketMeans = "bucket-means"
  /// add: least squares by backfitting on bucket sums read in one pass.
  case backfitting
  /// mult on a two-partition mixed-radix grid: top eigenvector of each column's Gram matrix,
  /// then ALS sweeps if the last grid row is partial.
  case gramRankOne = "gram-rank-1"
  /// mult on a two-partition grid too large for the Gram matrices: ALS (power iteration).
  case alsRankOne = "als-rank-1"
  /// mult with ≥ 3 partitions, or crt: rank-1 CP per column by ALS from several starts.
  case cpRankOne = "cp-rank-1"
}
