/// The truncated-SVD baseline: E's best rank-r approximation E·V_r·V_rᵀ (Eckart–Young), stored as
/// float32 factors U_rΣ_r (n × r) and V_r (d × r), r·(n + d)·4 bytes.
///
/// Its squared error is exactly the sum of the eigenvalues of EᵀE past the r largest, so no
/// second pass is needed: ‖E − E_r‖²_F = Σ_{i>r} λ_i, relative to Σ_i λ_i = ‖E‖²_F. (Rounding
/// the factors to float32 would add about 1e-7 relative; it is not counted.)
struct TruncatedSVDBaseline {
  let rank: Int
  /// Σ_{i>r} λ_i and Σ_i λ_i, negative eigenvalues (rounding) taken as 0.
  let squaredError: Double
  let totalSquares: Double
  /// V_r, `dim × rank` row-major, when asked for: rebuilds sample rows for the neighbour check.
  let basis: [Float]?
  let dim: Int

  /// The largest rank whose float32 factors fit `budget` bytes, at most min(rows, dim) (where the
  /// truncation is exact); 0 when even rank 1 does not fit.
  static func largestRank(rows: Int, dim: Int, budget: Int) -> Int {
    min(budget / ((rows + dim) * 4), min(rows, dim))
  }

  static func bytes(rank: Int, rows: Int, dim: Int) -> Int { rank * (rows + dim) * 4 }

  /// The baseline from the accumulated EᵀE (`gram`, upper triangle); nil when LAPACK fails.
  init?(gram: [Double], dim: Int, rank: Int, wantBasis: Bool) {
    precondition(rank >= 1 && rank <= dim)
    // One BLAS thread: OpenBLAS's threaded LAPACK can round differently from run to run.
    guard let ascending = BLASThreads.withSingleThread({ SymmetricEigenvalues.of(gram, order: dim) }) else { return nil }
    let values = ascending.map { max(0, $0) }
    totalSquares = values.reduce(0, +)
    squaredError = values[0..<(dim - rank)].reduce(0, +)
    self.rank = rank
    self.dim = dim
    if wantBasis {
      guard let top = BLASThreads.withSingleThread({ SymmetricEigenvectors.largest(rank, of: gram, order: dim) }) else {
        return nil
      }
      basis = top.vectors.map(Float.init)
    } else {
      basis = nil
    }
  }

  var relativeError: Double { totalSquares > 0 ? (squaredError / totalSquares).squareRoot() : 0 }

  /// Rows `rows` (`count × dim`, row-major) in the basis: X·V_r, `count × rank`. The rank-r
  /// truncation's rows are these times V_rᵀ, whose columns are orthonormal, so the two have the
  /// same lengths and cosines.
  func coordinates(of rows: [Float], count: Int) -> [Float] {
    guard let basis else { preconditionFailure("made without a basis") }
    // MatrixTiles.product takes its second factor transposed: X·V_r needs V_rᵀ (rank × dim).
    var transposed = [Float](repeating: 0, count: rank * dim)
    for i in 0..<dim { for j in 0..<rank { transposed[j * dim + i] = basis[i * rank + j] } }
    var coordinates = [Float](repeating: 0, count: count * rank)
    BLASThreads.withSingleThread { MatrixTiles.product(rows, transposed, m: count, n: rank, k: dim, into: &coordinates) }
    return coordinates
  }

  /// Rows `rows` (`count × dim`, row-major) projected on the basis, (X·V_r)·V_rᵀ: the rows of
  /// the rank-r truncation.
  func reconstruct(_ rows: [Float], count: Int) -> [Float] {
    guard let basis else { preconditionFailure("made without a basis") }
    // C·V_rᵀ needs V_r (dim × rank) as given rows.
    var rebuilt = [Float](repeating: 0, count: count * dim)
    BLASThreads.withSingleThread {
      MatrixTiles.product(coordinates(of: rows, count: count), basis, m: count, n: dim, k: rank, into: &rebuilt)
    }
    return rebuilt
  }
}
