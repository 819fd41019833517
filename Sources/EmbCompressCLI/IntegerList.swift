import ArgumentParser
import Foundation

/// A comma-separated list of positive integers, as `--moduli 97,101,103` takes.
struct IntegerList: ExpressibleByArgument {
  var values: [Int]

  init?(argument: String) {
    let parts = argument.split(separator: ",", omittingEmptySubsequences: false)
    let values = parts.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard !values.isEmpty, values.count == parts.count, values.allSatisfy({ $0 >= 1 }) else { return nil }
    self.values = values
  }
}
