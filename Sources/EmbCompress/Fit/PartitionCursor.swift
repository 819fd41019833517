/// A partition's bucket, followed along consecutive ids without a division per id.
struct PartitionCursor {
  let divisor: Int
  let modulus: Int
  /// `(id / divisor) % modulus` for the current id.
  private(set) var bucket: Int
  private var offset: Int

  init(_ partition: Partition, at id: Int) {
    divisor = partition.divisor
    modulus = partition.modulus
    offset = id % divisor
    bucket = (id / divisor) % modulus
  }

  @inline(__always)
  mutating func advance() {
    offset += 1
    if offset == divisor {
      offset = 0
      bucket += 1
      if bucket == modulus { bucket = 0 }
    }
  }
}
