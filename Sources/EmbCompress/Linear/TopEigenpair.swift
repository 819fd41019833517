import COpenBLAS

/// The largest eigenvalue and its unit eigenvector of symmetric matrices of one order, by LAPACK
/// `dsyevr` asked for that single pair (about a quarter of the cost of a full decomposition).
///
/// Holds its LAPACK workspace, so one solver per thread serves many matrices.
final class TopEigenpair {
  let order: Int
  private var work: [Double]
  private var integerWork: [Int32]
  private var support = [Int32](repeating: 0, count: 2)
  private var values: [Double]

  init(order: Int) {
    precondition(order >= 1)
    self.order = order
    values = [Double](repeating: 0, count: order)
    var n = Int32(order)
    var lda = n
    var vl = 0.0, vu = 0.0, abstol = 0.0
    var il = n, iu = n
    var found: Int32 = 0
    var info: Int32 = 0
    var lwork: Int32 = -1, liwork: Int32 = -1
    var workSize = 0.0
    var integerWorkSize: Int32 = 0
    var matrix = 0.0, vector = 0.0
    dsyevr_(
      "V", "I", "L", &n, &matrix, &lda, &vl, &vu, &il, &iu, &abstol, &found, &values, &vector, &lda,
      &support, &workSize, &lwork, &integerWorkSize, &liwork, &info, 1, 1, 1)
    work = [Double](repeating: 0, count: max(1, Int(workSize)))
    integerWork = [Int32](repeating: 0, count: max(1, Int(integerWorkSize)))
  }

  /// Returns the largest eigenvalue of `matrix` (`order × order`, row-major, upper triangle read,
  /// destroyed) and writes its unit eigenvector to `vector`; nil if LAPACK fails to converge.
  func solve(matrix: UnsafeMutablePointer<Double>, vector: UnsafeMutablePointer<Double>) -> Double? {
    // Row-major upper is column-major lower.
    var n = Int32(order)
    var lda = n
    var vl = 0.0, vu = 0.0, abstol = 0.0
    var il = n, iu = n
    var found: Int32 = 0
    var info: Int32 = 0
    var lwork = Int32(work.count), liwork = Int32(integerWork.count)
    dsyevr_(
      "V", "I", "L", &n, matrix, &lda, &vl, &vu, &il, &iu, &abstol, &found, &values, vector, &lda,
      &support, &work, &lwork, &integerWork, &liwork, &info, 1, 1, 1)
    guard info == 0, found == 1 else { return nil }
    return values[0]
  }
}
