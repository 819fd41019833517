import COpenBLAS

/// The singular value decomposition of a dense matrix (LAPACK `dgesdd`).
///
/// Independent of the Gram-and-eigenvector route the fitter takes, so tests check one against the other.
enum SingularValues {
  /// The singular values of `matrix` (`rows × columns`, row-major), descending; nil if LAPACK fails.
  static func of(_ matrix: [Double], rows: Int, columns: Int) -> [Double]? {
    decompose(matrix, rows: rows, columns: columns, vectors: false)?.values
  }

  /// The thin SVD A = U·diag(s)·Vᵀ: `left` is U (`rows × r`), `right` is V (`columns × r`), both
  /// row-major, r = min(rows, columns); nil if LAPACK fails.
  static func thin(_ matrix: [Double], rows: Int, columns: Int) -> (values: [Double], left: [Double], right: [Double])? {
    decompose(matrix, rows: rows, columns: columns, vectors: true)
  }

  private static func decompose(
    _ matrix: [Double], rows: Int, columns: Int, vectors: Bool
  ) -> (values: [Double], left: [Double], right: [Double])? {
    precondition(matrix.count == rows * columns && rows >= 1 && columns >= 1)
    // Row-major A (rows × columns) is column-major Aᵀ (columns × rows). LAPACK factors
    // Aᵀ = U'·S·V'ᵀ, so A = V'·S·U'ᵀ: A's U is V' and A's V is U'.
    let r = min(rows, columns)
    var a = matrix
    var m = Int32(columns), n = Int32(rows)
    var lda = m
    var values = [Double](repeating: 0, count: r)
    var uPrime = [Double](repeating: 0, count: vectors ? columns * r : 1)
    var vtPrime = [Double](repeating: 0, count: vectors ? r * rows : 1)
    var ldu = Int32(vectors ? columns : 1), ldvt = Int32(vectors ? r : 1)
    var info: Int32 = 0
    var lwork: Int32 = -1
    var workSize = 0.0
    var integerWork = [Int32](repeating: 0, count: 8 * r)
    let job = vectors ? "S" : "N"
    dgesdd_(job, &m, &n, &a, &lda, &values, &uPrime, &ldu, &vtPrime, &ldvt, &workSize, &lwork, &integerWork, &info)
    var work = [Double](repeating: 0, count: max(1, Int(workSize)))
    lwork = Int32(work.count)
    dgesdd_(job, &m, &n, &a, &lda, &values, &uPrime, &ldu, &vtPrime, &ldvt, &work, &lwork, &integerWork, &info)
    guard info == 0 else { return nil }
    guard vectors else { return (values, [], []) }
    // U' is column-major columns × r: U'[i][k] at k·columns + i. A's V[i][k] = U'[i][k].
    var right = [Double](repeating: 0, count: columns * r)
    for i in 0..<columns { for k in 0..<r { right[i * r + k] = uPrime[k * columns + i] } }
    // V'ᵀ is column-major r × rows: V'ᵀ[k][i] at i·r + k. A's U[i][k] = V'[i][k] = V'ᵀ[k][i].
    var left = [Double](repeating: 0, count: rows * r)
    for i in 0..<rows { for k in 0..<r { left[i * r + k] = vtPrime[i * r + k] } }
    return (values, left, right)
  }
}
