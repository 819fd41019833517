/// The report's `neighbors` section: how well the rebuilt table keeps each row's nearest
/// neighbours, over a seeded sample.
public struct NeighborRecall: Sendable, Equatable, Encodable {
  /// Neighbours per query: 10, or fewer when the corpus has at most 10 rows.
  public var k: Int
  /// Queries: the first (up to 1,000) corpus rows in the sample's key order.
  public var queries: Int
  /// Corpus: the sampled rows (up to 20,000) that are not zero in E.
  public var corpus: Int
  /// Mean over queries of |top-k in E ∩ top-k in Ê| / k.
  public var recallAtK: Double
  /// The seed of the sample (`--seed`).
  public var seed: UInt64

  private enum CodingKeys: String, CodingKey { case k, queries, corpus, recallAtK = "recall_at_k", seed }
}
