/// One tensor a `TableRule` stores: its name in the checkpoint, its shape, and what it holds.
///
///     RuleTensor(name: "projection", shape: [64, 384], role: .projection).byteCount(precision: .f16)  // 49152
public struct RuleTensor: Sendable, Equatable {
  public enum Role: Sendable, Equatable {
    /// Partition `partition` of term `term`: `modulus × width`, at the checkpoint's precision.
    case table(term: Int, partition: Int)
    /// The `K × dim` projection, at the checkpoint's precision.
    case projection
    /// The ids stored exactly, ascending, as I64.
    case exactIDs
    /// Their rows, `N × dim`, always F32.
    case exactRows
  }

  public var name: String
  public var shape: [Int]
  public var role: Role

  public init(name: String, shape: [Int], role: Role) {
    self.name = name
    self.shape = shape
    self.role = role
  }

  public var elementCount: Int { shape.reduce(1, *) }

  /// The safetensors dtype this tensor is stored in, for tables kept at `precision`.
  public func dtype(precision: StoragePrecision) -> SafetensorsDType {
    switch role {
    case .table, .projection: TensorEncoding.dtype(precision)
    case .exactIDs: .i64
    case .exactRows: .f32
    }
  }

  public func byteCount(precision: StoragePrecision) -> Int { elementCount * dtype(precision: precision).byteSize }
}
