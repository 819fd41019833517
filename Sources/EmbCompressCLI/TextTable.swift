import EmbCompress
import Foundation

/// Aligned "label  value" lines for the text output of the commands.
enum TextTable {
  static func lines(_ pairs: [(String, String)]) -> String {
    let width = pairs.map(\.0.count).max() ?? 0
    return pairs.map { "  " + $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }
      .joined(separator: "\n")
  }

  static func render(_ summary: TableSummary) -> String {
    var pairs: [(String, String)] = [("format", summary.info.format.displayName)]
    if let dataset = summary.info.name {
      pairs.append((summary.info.format == .safetensors ? "tensor" : "dataset", dataset))
    }
    pairs += [
      ("rows", grouped(summary.info.rows)),
      ("dim", grouped(summary.info.dim)),
      ("dtype", "\(summary.info.elementType.rawValue) (\(summary.info.byteOrder.rawValue)-endian)"),
      ("bytes", "\(grouped(summary.info.bytes)) (\(byteSize(summary.info.bytes)))"),
      ("row norm", String(format: "min %.4g  mean %.4g  max %.4g", summary.rowNorm.min, summary.rowNorm.mean, summary.rowNorm.max)),
    ]
    return summary.info.path + "\n" + lines(pairs)
  }

  /// 1234567 as "1,234,567".
  static func grouped(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var out = ""
    for (index, character) in digits.enumerated() {
      if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
      out.append(character)
    }
    return value < 0 ? "-" + out : out
  }

  /// Bytes in binary units, e.g. "768.0 KiB".
  static func byteSize(_ bytes: Int) -> String { ByteSizeText.binary(bytes) }
}
