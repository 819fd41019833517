import Testing

@testable import EmbCompress

@Suite struct LinearWrapperTests {
  @Test func singularValuesOfAKnownMatrix() throws {
    // [[3, 0], [0, -2], [0, 0]] has singular values 3 and 2; U and V recombine to the matrix.
    let matrix: [Double] = [3, 0, 0, -2, 0, 0]
    let svd = try #require(SingularValues.thin(matrix, rows: 3, columns: 2))
    #expect(abs(svd.values[0] - 3) < 1e-12 && abs(svd.values[1] - 2) < 1e-12)
    for i in 0..<3 {
      for j in 0..<2 {
        let rebuilt = (0..<2).reduce(0.0) { $0 + svd.left[i * 2 + $1] * svd.values[$1] * svd.right[j * 2 + $1] }
        #expect(abs(rebuilt - matrix[i * 2 + j]) < 1e-12)
      }
    }
  }

  @Test func topEigenpairAgreesWithTheSVD() throws {
    var random = TestRandom(seed: 5)
    let (rows, columns) = (9, 6)
    let x = (0..<(rows * columns)).map { _ in random.normal() }
    var gram = [Double](repeating: 0, count: columns * columns)
    for i in 0..<rows {
      for a in 0..<columns { for b in a..<columns { gram[a * columns + b] += x[i * columns + a] * x[i * columns + b] } }
    }
    let svd = try #require(SingularValues.thin(x, rows: rows, columns: columns))
    var vector = [Double](repeating: 0, count: columns)
    let value = try #require(TopEigenpair(order: columns).solve(matrix: &gram, vector: &vector))
    #expect(abs(value - svd.values[0] * svd.values[0]) < 1e-9 * value)
    let alignment = abs((0..<columns).reduce(0.0) { $0 + vector[$1] * svd.right[$1 * columns] })
    #expect(abs(alignment - 1) < 1e-9)
  }

  @Test func eigenvaluesAscend() throws {
    let values = try #require(SymmetricEigenvalues.of([2, 1, 0, 2], order: 2))
    #expect(abs(values[0] - 1) < 1e-12 && abs(values[1] - 3) < 1e-12)
  }

  @Test func leastSquaresIsMinimumNormOnARankDeficientDesign() throws {
    // Column 2 = column 0 + column 1; rows 0, 2 and rows 1, 3 share a pattern.
    let design: [Double] = [1, 0, 1, 0, 1, 1, 1, 0, 1, 0, 1, 1]
    let x = try #require(LeastSquares.minimumNorm(design: design, rows: 4, unknowns: 3, rightHandSides: [1, 2, 3, 5], count: 1))
    #expect(abs(x[0] + x[2] - 2) < 1e-12 && abs(x[1] + x[2] - 3.5) < 1e-12)
    // Least norm: x is orthogonal to the null vector (1, 1, -1).
    #expect(abs(x[0] + x[1] - x[2]) < 1e-12)
  }
}
