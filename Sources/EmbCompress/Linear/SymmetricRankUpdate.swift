import COpenBLAS

/// Gram-matrix accumulation by BLAS `dsyrk`: the GEMM-shaped update of a streamed Gram matrix.
enum SymmetricRankUpdate {
  /// `gram` (`columns × columns`, row-major, upper triangle) += XᵀX for X (`rows × columns`, row-major).
  static func addColumnGram(
    of x: UnsafePointer<Double>, rows: Int, columns: Int, into gram: UnsafeMutablePointer<Double>
  ) {
    guard rows > 0 else { return }
    cblas_dsyrk(
      CblasRowMajor, CblasUpper, CblasTrans, blasint(columns), blasint(rows), 1, x, blasint(columns), 1,
      gram, blasint(columns))
  }

  /// `gram` (`rows × rows`, row-major, upper triangle) += XXᵀ for X (`rows × columns`, row-major).
  static func addRowGram(
    of x: UnsafePointer<Double>, rows: Int, columns: Int, into gram: UnsafeMutablePointer<Double>
  ) {
    guard columns > 0 else { return }
    cblas_dsyrk(
      CblasRowMajor, CblasUpper, CblasNoTrans, blasint(rows), blasint(columns), 1, x, blasint(columns), 1,
      gram, blasint(rows))
  }
}
