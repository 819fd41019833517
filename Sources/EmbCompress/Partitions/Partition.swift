/// One arithmetic partition of the ids: id `i` falls in bucket `(i / divisor) % modulus`, and the
/// bucket's row of `tensor` (`modulus × dim`) is its share of the embedding.
///
///     Partition(tensor: "weight_r", divisor: 1, modulus: 4, dim: 64).bucket(of: 10)  // 2
public struct Partition: Sendable, Equatable, Codable {
  public var tensor: String
  public var divisor: Int
  public var modulus: Int
  public var dim: Int

  public init(tensor: String, divisor: Int, modulus: Int, dim: Int) {
    self.tensor = tensor
    self.divisor = divisor
    self.modulus = modulus
    self.dim = dim
  }

  @inlinable
  public func bucket(of id: Int) -> Int { (id / divisor) % modulus }

  /// The values this partition's table holds, `modulus × dim`.
  public var parameterCount: Int { modulus * dim }
}
