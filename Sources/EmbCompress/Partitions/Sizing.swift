/// How big the compact tables should be; the four ways are mutually exclusive.
public enum Sizing: Sendable, Equatable {
  /// qr, hash: the remainder-table size m (DLRM's `--qr-collisions`).
  case collisions(Int)
  /// gqr, crt: the moduli, in partition order.
  case moduli([Int])
  /// gqr, crt: this many partitions, moduli chosen near n^(1/K).
  case partitions(Int)
  /// Any scheme: the sizing whose compression ratio is closest to this without going under.
  case ratio(Double)

  /// The sizing used when none is given: 4 collisions for qr and hash, 3 partitions otherwise.
  public static func defaultSizing(for scheme: PartitionScheme) -> Sizing {
    switch scheme {
    case .hash, .qr: .collisions(4)
    case .gqr, .crt: .partitions(3)
    }
  }
}
