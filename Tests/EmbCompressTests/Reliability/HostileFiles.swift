import Foundation

/// The hostile files of `fixtures/make_hostile.py`, generated once per test run (they need
/// h5py, and one is 100 MB) into a folder removed at exit.
enum HostileFiles {
  static let folder: String = {
    let path = NSTemporaryDirectory() + "embcompress-hostile-" + UUID().uuidString
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", BoundedRun.repository + "/fixtures/make_hostile.py", path]
    try? process.run()
    process.waitUntilExit()
    precondition(process.terminationStatus == 0, "fixtures/make_hostile.py failed (is h5py installed?)")
    atexit { try? FileManager.default.removeItem(atPath: HostileFiles.folder) }
    return path
  }()

  static func path(_ name: String) -> String { folder + "/" + name }
}
