import COpenBLAS

/// All eigenvalues of a symmetric matrix (LAPACK `dsyevd`, values only), ascending.
///
/// What a truncated-SVD baseline needs: the eigenvalues of EᵀE are the squared singular values.
enum SymmetricEigenvalues {
  /// `matrix` is `order × order`, row-major, upper triangle read; nil if LAPACK fails to converge.
  static func of(_ matrix: [Double], order: Int) -> [Double]? {
    precondition(matrix.count == order * order && order >= 1)
    var a = matrix
    var values = [Double](repeating: 0, count: order)
    var n = Int32(order)
    var lda = n
    var info: Int32 = 0
    var lwork: Int32 = -1, liwork: Int32 = -1
    var workSize = 0.0
    var integerWorkSize: Int32 = 0
    dsyevd_("N", "L", &n, &a, &lda, &values, &workSize, &lwork, &integerWorkSize, &liwork, &info)
    var work = [Double](repeating: 0, count: max(1, Int(workSize)))
    var integerWork = [Int32](repeating: 0, count: max(1, Int(integerWorkSize)))
    lwork = Int32(work.count)
    liwork = Int32(integerWork.count)
    dsyevd_("N", "L", &n, &a, &lda, &values, &work, &lwork, &integerWork, &liwork, &info)
    return info == 0 ? values : nil
  }
}
