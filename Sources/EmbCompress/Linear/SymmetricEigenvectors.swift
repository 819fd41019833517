import COpenBLAS

/// The largest eigenpairs of a symmetric matrix, by LAPACK `dsyevr` asked for just those.
///
/// What the truncated-SVD baseline needs to rebuild sample rows: the top r eigenvectors of EᵀE
/// are E's top r right singular vectors, and E·V_r·V_rᵀ is the rank-r truncation.
enum SymmetricEigenvectors {
  /// The `count` largest eigenvalues of `matrix` (`order × order`, row-major, upper triangle read),
  /// descending, and their unit eigenvectors as the columns of an `order × count` row-major
  /// matrix; nil if LAPACK fails to converge.
  static func largest(_ count: Int, of matrix: [Double], order: Int) -> (values: [Double], vectors: [Double])? {
    precondition(matrix.count == order * order && count >= 1 && count <= order)
    var a = matrix
    // Row-major upper is column-major lower.
    var n = Int32(order)
    var lda = n
    var vl = 0.0, vu = 0.0, abstol = 0.0
    var il = Int32(order - count + 1), iu = Int32(order)
    var found: Int32 = 0
    var info: Int32 = 0
    var values = [Double](repeating: 0, count: order)
    var z = [Double](repeating: 0, count: order * count)
    var ldz = n
    var support = [Int32](repeating: 0, count: 2 * count)
    var lwork: Int32 = -1, liwork: Int32 = -1
    var workSize = 0.0
    var integerWorkSize: Int32 = 0
    dsyevr_(
      "V", "I", "L", &n, &a, &lda, &vl, &vu, &il, &iu, &abstol, &found, &values, &z, &ldz, &support, &workSize,
      &lwork, &integerWorkSize, &liwork, &info, 1, 1, 1)
    guard info == 0 else { return nil }
    var work = [Double](repeating: 0, count: max(1, Int(workSize)))
    var integerWork = [Int32](repeating: 0, count: max(1, Int(integerWorkSize)))
    lwork = Int32(work.count)
    liwork = Int32(integerWork.count)
    dsyevr_(
      "V", "I", "L", &n, &a, &lda, &vl, &vu, &il, &iu, &abstol, &found, &values, &z, &ldz, &support, &work, &lwork,
      &integerWork, &liwork, &info, 1, 1, 1)
    guard info == 0, Int(found) == count else { return nil }
    // LAPACK returns them ascending, column-major: eigenvector j is z[j·order ..< (j+1)·order].
    var vectors = [Double](repeating: 0, count: order * count)
    for j in 0..<count {
      let source = count - 1 - j
      for i in 0..<order { vectors[i * count + j] = z[source * order + i] }
    }
    return (Array(values[0..<count].reversed()), vectors)
  }
}
