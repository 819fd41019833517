import Foundation

/// The machine's cores and memory, for defaults.
public enum SystemResources {
  public static var coreCount: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }
  public static var physicalMemory: Int { Int(clamping: ProcessInfo.processInfo.physicalMemory) }
}
