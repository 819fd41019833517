import COpenBLAS

/// Dense least squares, minimum-norm when the design is rank deficient (LAPACK `dgelsd`).
///
/// An independent check on backfitting: tests solve the additive model's design matrix directly.
enum LeastSquares {
  /// The x of least norm minimising ‖A x − b‖ for every column of `rightHandSides`.
  ///
  /// - Parameters:
  ///   - design: A, `rows × unknowns`, row-major.
  ///   - rightHandSides: B, `rows × count`, row-major.
  ///   - relativeCutoff: singular values under this fraction of the largest count as zero. LAPACK's
  ///     default (machine epsilon) misses exact rank deficiency lost in rounding, and the solution explodes.
  /// - Returns: X, `unknowns × count`, row-major; nil if LAPACK fails to converge.
  static func minimumNorm(
    design: [Double], rows: Int, unknowns: Int, rightHandSides: [Double], count: Int,
    relativeCutoff: Double = 1e-10
  ) -> [Double]? {
    precondition(design.count == rows * unknowns && rightHandSides.count == rows * count)
    let ldb = max(rows, unknowns)
    var a = [Double](repeating: 0, count: rows * unknowns)
    for i in 0..<rows { for j in 0..<unknowns { a[j * rows + i] = design[i * unknowns + j] } }
    var b = [Double](repeating: 0, count: ldb * count)
    for i in 0..<rows { for j in 0..<count { b[j * ldb + i] = rightHandSides[i * count + j] } }
    var m = Int32(rows), n = Int32(unknowns), nrhs = Int32(count)
    var lda = Int32(max(1, rows)), ldbInt = Int32(ldb)
    var singular = [Double](repeating: 0, count: max(1, min(rows, unknowns)))
    var rcond = relativeCutoff
    var rank: Int32 = 0
    var info: Int32 = 0
    var lwork: Int32 = -1
    var workSize = 0.0
    var integerWorkSize: Int32 = 0
    dgelsd_(&m, &n, &nrhs, &a, &lda, &b, &ldbInt, &singular, &rcond, &rank, &workSize, &lwork, &integerWorkSize, &info)
    var work = [Double](repeating: 0, count: max(1, Int(workSize)))
    var integerWork = [Int32](repeating: 0, count: max(1, Int(integerWorkSize)))
    lwork = Int32(work.count)
    dgelsd_(&m, &n, &nrhs, &a, &lda, &b, &ldbInt, &singular, &rcond, &rank, &work, &lwork, &integerWork, &info)
    guard info == 0 else { return nil }
    var x = [Double](repeating: 0, count: unknowns * count)
    for i in 0..<unknowns { for j in 0..<count { x[i * count + j] = b[j * ldb + i] } }
    return x
  }
}
