/// The fitted terms of a rule (before any projection) and how their fit went.
struct TermFit {
  var tables: [CompositionalTables]
  /// Σᵢ wᵢ‖Yᵢ − Ŷᵢ‖² against the target the terms were fitted to, in Double before rounding.
  var squaredError: Double
  var iterations: Int
  var converged: Bool
  /// The algorithms, in the order they ran (docs/fits.md names them).
  var methods: [String]
}
