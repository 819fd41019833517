import Foundation

/// The metadata each table of a `.qr` file is described by: the file's own entries for a file of
/// one table, or, for a file of several, the `tables` entry's object for each name merged over
/// the file's `format` and `sha256`.
///
///     let tables = try CheckpointTableEntries.tables(in: header.metadata, path: "model.qr")
///     tables.map(\.name)  // ["emb_l.0", "emb_l.1", …]; [nil] for a file of one table
enum CheckpointTableEntries {
  static func tables(in entries: [String: String], path: String) throws -> [(name: String?, entries: [String: String])] {
    func malformed(_ detail: String) -> EmbCompressError { .malformed(path: path, detail: detail) }
    guard let text = entries["tables"] else { return [(nil, entries)] }
    guard entries["format"] == Checkpoint.formatTwoName else {
      throw malformed("metadata 'tables' needs format \(Checkpoint.formatTwoName)")
    }
    for key in ["rows", "dim", "scheme", "operation", "partitions", "terms"] where entries[key] != nil {
      throw malformed("metadata has both 'tables' and '\(key)'; a file of several tables states each rule in 'tables'")
    }
    guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)), let tables = object as? [String: Any] else {
      throw malformed("metadata 'tables' is not a JSON object")
    }
    guard !tables.isEmpty else { throw malformed("metadata 'tables' is an empty object") }
    var shared = entries
    shared["tables"] = nil
    // Names in a stable order; JSON objects have none of their own.
    return try tables.keys.sorted().map { name in
      guard let fields = tables[name] as? [String: Any] else {
        throw malformed("tables[\(UntrustedText.quoted(name))] is not an object")
      }
      var merged = shared
      for (key, value) in fields {
        guard let string = value as? String else {
          throw malformed("tables[\(UntrustedText.quoted(name))].\(UntrustedText.quoted(key)) is not a string")
        }
        guard key != "format", key != "sha256" else {
          throw malformed("tables[\(UntrustedText.quoted(name))] has '\(key)', which the file states once for all tables")
        }
        merged[key] = string
      }
      return (name, merged)
    }
  }
}
