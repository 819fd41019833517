import COpenBLAS

/// BLAS products on tiles of larger row-major matrices, for Gram matrices built tile by tile.
///
/// Each call is one single-threaded BLAS call on fixed shapes, so a tile's sums do not depend on
/// which thread computes it or how many there are.
enum MatrixTiles {
  /// C[0..<p, 0..<q] += A[:, 0..<p]ᵀ · B[:, 0..<q] (BLAS `dgemm`): A and B hold `rows` rows with
  /// leading dimensions `lda` and `ldb`; C has leading dimension `ldc`.
  static func addTransposedProduct(
    _ a: UnsafePointer<Double>, lda: Int, _ b: UnsafePointer<Double>, ldb: Int, rows: Int, p: Int, q: Int,
    into c: UnsafeMutablePointer<Double>, ldc: Int
  ) {
    guard rows > 0, p > 0, q > 0 else { return }
    cblas_dgemm(
      CblasRowMajor, CblasTrans, CblasNoTrans, blasint(p), blasint(q), blasint(rows), 1, a, blasint(lda), b,
      blasint(ldb), 1, c, blasint(ldc))
  }

  /// C[0..<p, 0..<q] = A[:, 0..<p]ᵀ · B[:, 0..<q] in float32 (BLAS `sgemm`), the same layout.
  static func transposedProduct(
    _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int, rows: Int, p: Int, q: Int,
    into c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    guard rows > 0, p > 0, q > 0 else { return }
    cblas_sgemm(
      CblasRowMajor, CblasTrans, CblasNoTrans, blasint(p), blasint(q), blasint(rows), 1, a, blasint(lda), b,
      blasint(ldb), 0, c, blasint(ldc))
  }

  /// The upper triangle of C[0..<p, 0..<p] = A[:, 0..<p]ᵀ · A[:, 0..<p] in float32 (BLAS `ssyrk`).
  static func transposedSquare(
    _ a: UnsafePointer<Float>, lda: Int, rows: Int, p: Int, into c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    guard rows > 0, p > 0 else { return }
    cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, blasint(p), blasint(rows), 1, a, blasint(lda), 0, c, blasint(ldc))
  }

  /// C (`m × n`) = A (`m × k`) · Bᵀ (B is `n × k`), all row-major and dense, in float32 (BLAS `sgemm`).
  static func product(
    _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, m: Int, n: Int, k: Int, into c: UnsafeMutablePointer<Float>
  ) {
    guard m > 0, n > 0, k > 0 else { return }
    cblas_sgemm(
      CblasRowMajor, CblasNoTrans, CblasTrans, blasint(m), blasint(n), blasint(k), 1, a, blasint(k), b, blasint(k), 0,
      c, blasint(n))
  }

  /// The same product on arrays: `c` = `a` · `b`ᵀ.
  static func product(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, into c: inout [Float]) {
    precondition(a.count == m * k && b.count == n * k && c.count == m * n)
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        c.withUnsafeMutableBufferPointer { c in
          guard m > 0, n > 0, k > 0 else { return }
          product(a.baseAddress!, b.baseAddress!, m: m, n: n, k: k, into: c.baseAddress!)
        }
      }
    }
  }
}
