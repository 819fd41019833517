import Foundation

/// Terms K wide and a K × d projection P (docs/fits.md, "Projection"): Ê = Ĉ·P.
///
/// Round 0 takes V_K, the top K right singular vectors of √W·E (the eigenvectors of EᵀWE,
/// accumulated in one pass), fits the terms to the coefficients C = E·V_K, and compares
/// P = V_Kᵀ with the weighted least-squares P given the fitted Ĉ (ĈᵀWĈ·P = ĈᵀWE). Each later
/// round takes an orthonormal basis of the best P's row space, refits the terms to E in it and
/// re-solves P. The round of least true error Σᵢ wᵢ‖Eᵢ − ĈᵢP‖² is kept, so the result is never
/// worse than the fit of E·V_K with P = V_Kᵀ; rounds stop once one fails to improve by
/// `tolerance` of the error (at most `maxRounds`).
struct ProjectionFit {
  var terms: TermFit
  var projection: [Float]
  var squaredError: Double
  var rounds: Int
  var methods: [String]

  static let maxRounds = 6

  /// `table` is E, `rows × dim`, row-major; `layouts` are the K-wide terms.
  init(
    table: [Float], rows: Int, dim: Int, rank: Int, layouts: [CompositionalLayout], weights: [Double]?,
    options: FitOptions, progress: (@Sendable (FitProgress) -> Void)?
  ) throws {
    // EᵀWE in blocks of rows, each scaled by √wᵢ.
    let blockRows = 1024
    var gram = [Double](repeating: 0, count: dim * dim)
    var scaled = [Double](repeating: 0, count: blockRows * dim)
    for start in stride(from: 0, to: rows, by: blockRows) {
      let count = min(blockRows, rows - start)
      for r in 0..<count {
        let s = (weights?[start + r] ?? 1).squareRoot()
        for c in 0..<dim { scaled[r * dim + c] = s * Double(table[(start + r) * dim + c]) }
      }
      scaled.withUnsafeBufferPointer { x in
        gram.withUnsafeMutableBufferPointer { SymmetricRankUpdate.addColumnGram(of: x.baseAddress!, rows: count, columns: dim, into: $0.baseAddress!) }
      }
    }
    guard let eigen = SymmetricEigenvectors.largest(rank, of: gram, order: dim) else {
      throw EmbCompressError.invalidArguments(detail: "LAPACK could not find the table's top \(rank) singular vectors")
    }
    // The basis as K × d rows (Vᵀ).
    var basis = [Float](repeating: 0, count: rank * dim)
    for k in 0..<rank { for c in 0..<dim { basis[k * dim + c] = Float(eigen.vectors[c * rank + k]) } }

    var best: (terms: TermFit, projection: [Float], error: Double)?
    var methods: [String] = []
    var rounds = 0
    while rounds < Self.maxRounds {
      try Cancellation.check()
      rounds += 1
      var coefficients = [Float](repeating: 0, count: rows * rank)
      MatrixTiles.product(table, basis, m: rows, n: rank, k: dim, into: &coefficients)
      let fitted = try TermFitter.fit(
        target: coefficients, rows: rows, width: rank, layouts: layouts, weights: weights, options: options,
        progress: progress)
      if methods.isEmpty { methods = fitted.methods }
      let rebuilt = Self.rebuild(fitted.tables, rows: rows, width: rank)
      var candidates: [[Float]] = []
      if rounds == 1 { candidates.append(basis) }
      if let solved = Self.leastSquares(rebuilt, table, rows: rows, rank: rank, dim: dim, weights: weights) {
        candidates.append(solved)
      }
      let previous = best?.error
      for projection in candidates {
        let error = Self.error(rebuilt, projection, table, rows: rows, rank: rank, dim: dim, weights: weights)
        if best == nil || error < best!.error { best = (fitted, projection, error) }
      }
      progress?(FitProgress(pass: rounds, rowsDone: rows, rowsTotal: rows, phase: "projection"))
      if let previous, previous - best!.error <= options.tolerance * best!.error { break }
      // The next basis: orthonormal rows spanning the best P's row space.
      let p = best!.projection.map(Double.init)
      guard let svd = SingularValues.thin(p, rows: rank, columns: dim) else { break }
      for k in 0..<rank { for c in 0..<dim { basis[k * dim + c] = Float(svd.right[c * rank + k]) } }
    }
    terms = best!.terms
    projection = best!.projection
    squaredError = best!.error
    self.rounds = rounds
    self.methods = ["projection"] + methods
  }

  /// Ĉ, `rows × width`: the terms summed in order in Float, as `RuleRowBuilder` does.
  static func rebuild(_ tables: [CompositionalTables], rows: Int, width: Int) -> [Float] {
    var out = [Float](repeating: 0, count: rows * width)
    var term = [Float](repeating: 0, count: width)
    out.withUnsafeMutableBufferPointer { out in
      for id in 0..<rows {
        let row = UnsafeMutableBufferPointer(rebasing: out[(id * width)..<((id + 1) * width)])
        tables[0].embedding(of: id, into: row)
        for t in 1..<tables.count {
          term.withUnsafeMutableBufferPointer { tables[t].embedding(of: id, into: $0) }
          for c in 0..<width { row[c] += term[c] }
        }
      }
    }
    return out
  }

  /// The P minimising Σᵢ wᵢ‖Eᵢ − ĈᵢP‖²: (ĈᵀWĈ)·P = ĈᵀWE, least norm if ĈᵀWĈ is singular.
  static func leastSquares(
    _ fitted: [Float], _ table: [Float], rows: Int, rank: Int, dim: Int, weights: [Double]?
  ) -> [Float]? {
    let blockRows = 1024
    var normal = [Double](repeating: 0, count: rank * rank)
    var right = [Double](repeating: 0, count: rank * dim)
    var weighted = [Double](repeating: 0, count: blockRows * rank)
    var plain = [Double](repeating: 0, count: blockRows * rank)
    var values = [Double](repeating: 0, count: blockRows * dim)
    for start in stride(from: 0, to: rows, by: blockRows) {
      let count = min(blockRows, rows - start)
      for r in 0..<count {
        let w = weights?[start + r] ?? 1
        for k in 0..<rank {
          let v = Double(fitted[(start + r) * rank + k])
          plain[r * rank + k] = v
          weighted[r * rank + k] = w * v
        }
        for c in 0..<dim { values[r * dim + c] = Double(table[(start + r) * dim + c]) }
      }
      weighted.withUnsafeBufferPointer { a in
        plain.withUnsafeBufferPointer { b in
          normal.withUnsafeMutableBufferPointer {
            MatrixTiles.addTransposedProduct(a.baseAddress!, lda: rank, b.baseAddress!, ldb: rank, rows: count, p: rank, q: rank, into: $0.baseAddress!, ldc: rank)
          }
        }
        values.withUnsafeBufferPointer { b in
          right.withUnsafeMutableBufferPointer {
            MatrixTiles.addTransposedProduct(a.baseAddress!, lda: rank, b.baseAddress!, ldb: dim, rows: count, p: rank, q: dim, into: $0.baseAddress!, ldc: dim)
          }
        }
      }
    }
    guard let solution = LeastSquares.minimumNorm(
      design: normal, rows: rank, unknowns: rank, rightHandSides: right, count: dim, relativeCutoff: 1e-12)
    else { return nil }
    return solution.map { Float($0) }
  }

  /// Σᵢ wᵢ‖Eᵢ − ĈᵢP‖², the product in Float as the checkpoint's reader forms it.
  static func error(
    _ fitted: [Float], _ projection: [Float], _ table: [Float], rows: Int, rank: Int, dim: Int, weights: [Double]?
  ) -> Double {
    // P is K × d; MatrixTiles.product wants Pᵀ (d × K) as its second factor.
    var transposed = [Float](repeating: 0, count: dim * rank)
    for k in 0..<rank { for c in 0..<dim { transposed[c * rank + k] = projection[k * dim + c] } }
    let blockRows = 1024
    var product = [Float](repeating: 0, count: blockRows * dim)
    var total = 0.0
    fitted.withUnsafeBufferPointer { fitted in
      transposed.withUnsafeBufferPointer { p in
        product.withUnsafeMutableBufferPointer { out in
          for start in stride(from: 0, to: rows, by: blockRows) {
            let count = min(blockRows, rows - start)
            MatrixTiles.product(fitted.baseAddress! + start * rank, p.baseAddress!, m: count, n: dim, k: rank, into: out.baseAddress!)
            for r in 0..<count {
              var sum = 0.0
              for c in 0..<dim {
                let e = Double(table[(start + r) * dim + c]) - Double(out[r * dim + c])
                sum += e * e
              }
              total += (weights?[start + r] ?? 1) * sum
            }
          }
        }
      }
    }
    return total
  }
}
