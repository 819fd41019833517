import Foundation

/// The rule's part of a `.qr` file's metadata, written and read back: `rows`, `dim`, `scheme`,
/// then `operation` and `partitions` (format 1) or `terms`, `projection`, `exact_rows`
/// (format 2).
///
/// Reading refuses anything missing or ill-typed; whether the rule then makes sense (positive
/// sizes, widths that fit the operation, ids covered) is `CheckpointLayoutRules`' job.
///
///     let rule = try RuleMetadata.rule(from: header.metadata, format: Checkpoint.formatTwoName, path: "out.qr")
enum RuleMetadata {
  /// The metadata entries that state `rule`, in a fixed order.
  static func entries(for rule: TableRule) -> [(String, String)] {
    var entries = [("rows", String(rule.rows)), ("dim", String(rule.dim)), ("scheme", rule.scheme.rawValue)]
    if rule.isPlain {
      entries.append(("operation", rule.terms[0].operation.rawValue))
      entries.append(("partitions", partitionsJSON(rule.terms[0].partitions)))
      return entries
    }
    entries.append((
      "terms",
      JSONText.array(rule.terms.map { term in
        JSONText.object([
          ("operation", JSONText.string(term.operation.rawValue)),
          ("partitions", partitionsJSON(term.partitions)),
        ])
      })))
    if let rank = rule.projectionRank {
      entries.append(("projection", JSONText.object([("rank", String(rank))])))
    }
    if rule.exactRowCount > 0 {
      entries.append(("exact_rows", JSONText.object([("count", String(rule.exactRowCount))])))
    }
    return entries
  }

  static func partitionsJSON(_ partitions: [Partition]) -> String {
    JSONText.array(
      partitions.map { partition in
        JSONText.object([
          ("tensor", JSONText.string(partition.tensor)),
          ("divisor", String(partition.divisor)),
          ("modulus", String(partition.modulus)),
          ("dim", String(partition.dim)),
        ])
      })
  }

  /// Reads the rule that `entries` state for a file of `format` (one of `Checkpoint.readableFormats`).
  static func rule(from entries: [String: String], format: String, path: String) throws -> TableRule {
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

    guard format == Checkpoint.formatTwoName else {
      let operation = try operation(try value("operation"), key: "metadata 'operation'", path: path)
      let partitions = try partitions(from: try json(try value("partitions"), key: "partitions", path: path), key: "partitions", path: path)
      return TableRule(CompositionalLayout(rows: rows, dim: dim, scheme: scheme, operation: operation, partitions: partitions))
    }
    for key in ["operation", "partitions"] where entries[key] != nil {
      throw malformed("metadata has '\(key)', which format 2 states per term in 'terms'")
    }

    var projectionRank: Int?
    if let text = entries["projection"] {
      projectionRank = try count(in: try json(text, key: "projection", path: path), field: "rank", key: "projection", path: path)
    }
    var exactRowCount = 0
    if let text = entries["exact_rows"] {
      exactRowCount = try count(in: try json(text, key: "exact_rows", path: path), field: "count", key: "exact_rows", path: path)
    }
    let width = projectionRank ?? dim

    guard let items = try json(try value("terms"), key: "terms", path: path) as? [Any] else {
      throw malformed("metadata 'terms' is not a JSON array")
    }
    guard !items.isEmpty else { throw malformed("metadata 'terms' is an empty array") }
    let terms = try items.enumerated().map { index, item -> CompositionalLayout in
      let key = "terms[\(index)]"
      guard let fields = item as? [String: Any] else { throw malformed("\(key) is \(describe(item)), not an object") }
      guard let name = fields["operation"] as? String else { throw malformed("\(key) has no string 'operation'") }
      let operation = try operation(name, key: key + ".operation", path: path)
      guard let list = fields["partitions"] else { throw malformed("\(key) has no 'partitions'") }
      let partitions = try partitions(from: list, key: key + ".partitions", path: path)
      return CompositionalLayout(rows: rows, dim: width, scheme: scheme, operation: operation, partitions: partitions)
    }
    return TableRule(
      rows: rows, dim: dim, scheme: scheme, terms: terms, projectionRank: projectionRank, exactRowCount: exactRowCount)
  }

  private static func json(_ text: String, key: String, path: String) throws -> Any {
    guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) else {
      throw EmbCompressError.malformed(path: path, detail: "metadata '\(key)' is not JSON: \(UntrustedText.quoted(text))")
    }
    return object
  }

  private static func operation(_ name: String, key: String, path: String) throws -> CombineOperation {
    guard let operation = CombineOperation(rawValue: name) else {
      let known = CombineOperation.allCases.map(\.rawValue).joined(separator: ", ")
      throw EmbCompressError.malformed(path: path, detail: "\(key) is \(UntrustedText.quoted(name)), not one of \(known)")
    }
    return operation
  }

  /// The positive integer `field` of the JSON object `object`.
  private static func count(in object: Any, field: String, key: String, path: String) throws -> Int {
    func malformed(_ detail: String) -> EmbCompressError { .malformed(path: path, detail: detail) }
    guard let fields = object as? [String: Any] else { throw malformed("metadata '\(key)' is \(describe(object)), not an object") }
    guard let value = fields[field] else { throw malformed("metadata '\(key)' has no '\(field)'") }
    guard let number = JSONInteger.exact(value), number >= 1 else {
      throw malformed("metadata '\(key)'.\(field) is \(describe(value)), not a positive integer")
    }
    return number
  }

  /// Parses a non-empty JSON array of `{"tensor": string, "divisor": int, "modulus": int, "dim": int}`.
  static func partitions(from object: Any, key: String, path: String) throws -> [Partition] {
    func malformed(_ detail: String) -> EmbCompressError { .malformed(path: path, detail: detail) }
    guard let items = object as? [Any] else {
      throw malformed("metadata '\(key)' is \(describe(object)), not a JSON array")
    }
    guard !items.isEmpty else { throw malformed("metadata '\(key)' is an empty array") }
    return try items.enumerated().map { index, item in
      guard let fields = item as? [String: Any] else {
        throw malformed("\(key)[\(index)] is \(describe(item)), not an object")
      }
      guard let tensorValue = fields["tensor"] else { throw malformed("\(key)[\(index)] has no 'tensor'") }
      guard let tensor = tensorValue as? String else {
        throw malformed("\(key)[\(index)].tensor is \(describe(tensorValue)), not a string")
      }
      func integer(_ field: String) throws -> Int {
        guard let value = fields[field] else { throw malformed("\(key)[\(index)] has no '\(field)'") }
        guard let number = JSONInteger.exact(value) else {
          throw malformed("\(key)[\(index)].\(field) is \(describe(value)), not an integer")
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
