import Foundation
import Testing

/// The HDF5 child reader reads what the in-process reader reads: streamed blocks (read in place
/// in the shared memory) and whole-table reads (copied out of it) alike, through the binary.
@Suite struct HDF5ChildReaderTests {
  @Test func childAndInProcessReadsGiveTheSameReportAndCheckpoint() throws {
    // 200,000 × 32 in 4096-row chunks: many blocks. The conversion holds the table in memory
    // (readAll) for the fit and streams it (forEachBlock) to measure; info streams it.
    let table = HostileFiles.path("big.h5")
    var outputs: [String: (info: String, checkpoint: Data)] = [:]
    for child in ["1", "0"] {
      let directory = try TemporaryDirectory()
      let environment = ["EMBCOMPRESS_HDF5_CHILD": child]
      let info = try BoundedRun.run(["info", table, "--json"], seconds: 120, environment: environment)
      #expect(info.status == 0, "\(info.stderr)")
      let converted = try BoundedRun.run(
        [table, "out.qr", "--quiet", "--threads", "1"], seconds: 300, currentDirectory: directory.path, environment: environment)
      #expect(converted.status == 0, "\(converted.stderr)")
      outputs[child] = (info.stdout, try Data(contentsOf: URL(fileURLWithPath: directory.file("out.qr"))))
    }
    #expect(outputs["1"]?.info == outputs["0"]?.info)
    #expect(!(outputs["1"]?.info.isEmpty ?? true))
    #expect(outputs["1"]?.checkpoint == outputs["0"]?.checkpoint)
  }
}
