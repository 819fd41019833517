/// How the partitions' rows combine into one embedding.
public enum CombineOperation: String, Sendable, CaseIterable, Codable {
  /// Element-wise product.
  case mult
  /// Element-wise sum.
  case add
  /// Concatenation, in partition order; each partition has its own width.
  case concat
}
