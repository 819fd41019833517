/// One baseline of the report: another way to spend about the same bytes, measured on the same
/// table (`baselines` in the report).
public struct Baseline: Sendable, Equatable, Encodable {
  public enum Method: String, Sendable, Equatable, Encodable, CaseIterable {
    case int8Rowwise = "int8-rowwise"
    case float16
    case truncatedSVD = "truncated-svd"
    case hash
  }

  public var method: Method
  /// What it would store.
  public var bytes: Int
  /// The input's bytes over `bytes`, as the fit's compression ratio.
  public var compressionRatio: Double
  /// ‖E − Ê‖_F / ‖E‖_F for this method's Ê.
  public var relativeFrobenius: Double
  /// The neighbour check's recall@k for this method's rows; nil when there is no neighbour check.
  public var recallAtK: Double?
  /// How each value is stored: `int8`, `f16`, `f32` or `bf16`.
  public var precision: String
  /// truncated-svd: the rank r.
  public var rank: Int?
  /// hash: the number of rows m (the hashing trick's collisions).
  public var buckets: Int?

  public init(
    method: Method, bytes: Int, inputBytes: Int, relativeFrobenius: Double, precision: String, rank: Int? = nil,
    buckets: Int? = nil
  ) {
    self.method = method
    self.bytes = bytes
    compressionRatio = Double(inputBytes) / Double(bytes)
    self.relativeFrobenius = relativeFrobenius
    self.precision = precision
    self.rank = rank
    self.buckets = buckets
  }

  private enum CodingKeys: String, CodingKey {
    case method, bytes, compressionRatio = "compression_ratio", relativeFrobenius = "relative_frobenius"
    case recallAtK = "recall_at_k", precision, rank, buckets
  }
}
