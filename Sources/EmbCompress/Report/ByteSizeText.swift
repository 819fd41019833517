import Foundation

/// Byte counts for people: binary units, one decimal.
public enum ByteSizeText {
  /// 786432 as "768.0 KiB"; under 1 KiB as "84 B".
  public static func binary(_ bytes: Int) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1024 && unit < units.count - 1 {
      value /= 1024
      unit += 1
    }
    return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
  }
}
