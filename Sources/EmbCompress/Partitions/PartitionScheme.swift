/// How the ids are split into partitions (Shi et al., KDD 2020).
public enum PartitionScheme: String, Sendable, CaseIterable, Codable {
  /// One partition `i % m`: the hashing trick, not complementary; the paper's baseline.
  case hash
  /// Quotient-remainder: `i / m` and `i % m`, as DLRM's QREmbeddingBag.
  case qr
  /// Generalized QR: mixed-radix moduli m1…mk, divisor_j = m1·…·m(j-1).
  case gqr
  /// Chinese remainder: pairwise coprime moduli, every divisor 1.
  case crt
}
