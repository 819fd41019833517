import Foundation

/// Reads the rule of a `.qr` file — `rows`, `dim`, `scheme`, `operation`, `partitions` — from its
/// metadata into a `CompositionalLayout`, refusing anything missing or ill-typed.
///
/// Whether the layout then makes sense (positive sizes, widths that fit the operation, ids
/// covered) is `CheckpointLayoutRules`' job.
///
///     let layout = try CheckpointLayoutReader.layout(from: header.metadata, path: "out.qr")
enum CheckpointLayoutReader {
  static func layout(from entries: [String: String], path: String) throws -> CompositionalLayout {
    func malformed(_ detail: String) -> EmbCompressError { .malformed(path: path, detail: detail) }
    func value(_ key: String) throws -> String {
      guard let value = entries[key] else { throw malformed("metadata has no '\(key)'") }
      return value
    }
    func positiveInteger(_ key: String) throws -> Int {
      let text = try value(key)
      // Digits only: Int() alone would take "+5", and a sign or space has no business here.
      guard !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let number = Int(text), number > 0 else {
        throw malformed("metadata '\(key)' is \(UntrustedText.quoted(text)), not a positive integer")
      }
      return number
    }

    let rows = try positiveInteger("rows")
    let dim = try positiveInteger("dim")
    let schemeName = try value("scheme")
    guard let scheme = PartitionScheme(rawValue: schemeName) else {
      let known = PartitionScheme.allCases.map(\.rawValue).joined(separator: ", ")
      throw malformed("metadata 'scheme' is \(UntrustedText.quoted(schemeName)), not one of \(known)")
    }
    let operationName = try value("operation")
    guard let operation = CombineOperation(rawValue: operationName) else {
      let known = CombineOperation.allCases.map(\.rawValue).joined(separator: ", ")
      throw malformed("metadata 'operation' is \(UntrustedText.quoted(operationName)), not one of \(known)")
    }
    let partitions = try partitions(from: try value("partitions"), path: path)
    return CompositionalLayout(rows: rows, dim: dim, scheme: scheme, operation: operation, partitions: partitions)
  }

  /// Parses the `partitions` value: a non-empty JSON array of
  /// `{"tensor": string, "divisor": int, "modulus": int, "dim": int}`.
  static func partitions(from text: String, path: String) throws -> [Partition] {
    func malformed(_ detail: String) -> EmbCompressError { .malformed(path: path, detail: detail) }
    guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) else {
      throw malformed("metadata 'partitions' is not JSON: \(UntrustedText.quoted(text))")
    }
    guard let items = object as? [Any] else {
      throw malformed("metadata 'partitions' is \(describe(object)), not a JSON array")
    }
    guard !items.isEmpty else { throw malformed("metadata 'partitions' is an empty array") }
    return try items.enumerated().map { index, item in
      guard let fields = item as? [String: Any] else {
        throw malformed("partitions[\(index)] is \(describe(item)), not an object")
      }
      guard let tensorValue = fields["tensor"] else { throw malformed("partitions[\(index)] has no 'tensor'") }
      guard let tensor = tensorValue as? String else {
        throw malformed("partitions[\(index)].tensor is \(describe(tensorValue)), not a string")
      }
      func integer(_ key: String) throws -> Int {
        guard let value = fields[key] else { throw malformed("partitions[\(index)] has no '\(key)'") }
        guard let number = JSONInteger.exact(value) else {
          throw malformed("partitions[\(index)].\(key) is \(describe(value)), not an integer")
        }
        return number
      }
      return Partition(tensor: tensor, divisor: try integer("divisor"), modulus: try integer("modulus"), dim: try integer("dim"))
    }
  }

  /// A short description of a JSON value for messages.
  private static func describe(_ value: Any) -> String {
    switch value {
    case let string as String: return "the string " + UntrustedText.quoted(string)
    case is NSNull: return "null"
    case is [Any]: return "an array"
    case is [String: Any]: return "an object"
    case let number as NSNumber:
      let type = String(cString: number.objCType)
      if type == "c" || type == "B" { return number.boolValue ? "true" : "false" }
      let text = number.stringValue
      return text.count > UntrustedText.limit ? String(text.prefix(UntrustedText.limit)) + "…" : text
    default: return "a value of unknown type"
    }
  }
}
