import EmbCompress
import Foundation

extension EmbCompressCommand {
  /// What starts this run's HDF5 child readers, so that libhdf5 parses untrusted files in
  /// processes of their own, for tables, for listing them and for HDF5 counts; nil reads HDF5
  /// in-process. Set once, by `startHDF5Launcher`, before any other thread exists.
  nonisolated(unsafe) private(set) static var hdf5Launcher: HDF5ChildLauncher?

  /// Forks the launcher (`HDF5ChildLauncher`) unless `EMBCOMPRESS_HDF5_CHILD=0`, which reads
  /// in-process; scripts/bench-hdf5-child uses that to measure what the child costs. Called
  /// first thing in `main()`, while the process has one thread.
  static func startHDF5Launcher() {
    guard ProcessInfo.processInfo.environment["EMBCOMPRESS_HDF5_CHILD"] != "0" else { return }
    hdf5Launcher = HDF5ChildLauncher.start()
  }
}
