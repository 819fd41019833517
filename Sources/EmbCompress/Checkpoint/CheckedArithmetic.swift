/// Sums and products that report overflow instead of trapping.
///
/// Every size a `.qr` file states is untrusted; multiplying two of them must never crash the
/// reader, so each product and sum goes through here and an overflow becomes a clear error.
///
///     CheckedArithmetic.product([1 << 40, 1 << 40])  // nil
enum CheckedArithmetic {
  /// The product of `values`, or nil when it does not fit in an `Int`.
  static func product(_ values: some Sequence<Int>) -> Int? {
    var result = 1
    for value in values {
      let (next, overflow) = result.multipliedReportingOverflow(by: value)
      if overflow { return nil }
      result = next
    }
    return result
  }

  /// The sum of `values`, or nil when it does not fit in an `Int`.
  static func sum(_ values: some Sequence<Int>) -> Int? {
    var result = 0
    for value in values {
      let (next, overflow) = result.addingReportingOverflow(value)
      if overflow { return nil }
      result = next
    }
    return result
  }
}
