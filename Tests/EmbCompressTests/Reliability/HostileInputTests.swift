import EmbCompress
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Hostile files through the built binary: one `embcompress:` line, the right exit code, no
/// file left behind, no hang (every run is bounded), whatever the file holds.
@Suite(.serialized) struct HostileInputTests {
  /// Runs `info`, then a conversion, on `file`, and checks both fail the same, cleanly.
  private func refused(_ file: String, status: Int32, mentioning text: String, extra: [String] = []) throws {
    for command in [["info", file] + extra, [file, "out.qr"] + extra] {
      let directory = try TemporaryDirectory()
      let result = try BoundedRun.run(command, seconds: 90, currentDirectory: directory.path)
      #expect(!result.timedOut, "\(command) hung")
      #expect(result.status == status, "\(command): exit \(result.status): \(result.stderr)")
      #expect(result.errorLines.count == 1, "\(command): \(result.stderr)")
      #expect(result.stderr.hasPrefix("embcompress: "), "\(result.stderr)")
      #expect(result.stderr.contains(text), "\(result.stderr)")
      #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }
  }

  @Test func declaredRowsWithNoStoredDataAreRefusedBeforeAnyRead() throws {
    // 2⁴⁰ rows in a 1.4 KB file: no allocation sized from the shape, no terabytes of fill values.
    try refused(HostileFiles.path("no_data.h5"), status: 65, mentioning: "stores no data")
  }

  @Test func missingChunksAreRefused() throws {
    try refused(HostileFiles.path("missing_chunks.h5"), status: 65, mentioning: "2 of its 4 chunks")
  }

  @Test func externalStorageIsRefusedWithoutAllowExternal() throws {
    try refused(HostileFiles.path("external.h5"), status: 64, mentioning: "--allow-external")
    let allowed = try BoundedRun.run(["info", HostileFiles.path("external.h5"), "--allow-external"], seconds: 60)
    #expect(allowed.status == 0, "\(allowed.stderr)")
  }

  @Test func virtualDatasetsAreRefusedWithoutAllowExternal() throws {
    try refused(HostileFiles.path("virtual.h5"), status: 64, mentioning: "virtual dataset")
  }

  @Test func externalLinksAreRefusedWithoutAllowExternal() throws {
    try refused(HostileFiles.path("external_link.h5"), status: 64, mentioning: "external link", extra: ["--dataset", "/link"])
    let allowed = try BoundedRun.run(
      ["info", HostileFiles.path("external_link.h5"), "--dataset", "/link", "--allow-external"], seconds: 60)
    #expect(allowed.status == 0, "\(allowed.stderr)")
  }

  @Test func aFIFOIsRefusedWithoutBlocking() throws {
    let directory = try TemporaryDirectory()
    for name in ["pipe.h5", "pipe.npy", "pipe.f32"] {
      #expect(mkfifo(directory.file(name), 0o600) == 0)
      let result = try BoundedRun.run(["info", directory.file(name), "--dim", "4"], seconds: 30)
      #expect(!result.timedOut, "blocked opening the FIFO \(name)")
      #expect(result.status == 66, "\(result.stderr)")
      #expect(result.errorLines.count == 1 && result.stderr.contains("FIFO"), "\(result.stderr)")
    }
  }

  @Test func aCorruptChunkIsDataErrorOnOneLine() throws {
    // The chunk is read on the read-ahead thread, where libhdf5 printed its 20-line stack.
    try refused(HostileFiles.path("corrupt_chunk.h5"), status: 65, mentioning: "cannot read rows")
  }

  @Test func namesFromTheFileCannotForgeLinesOrEscapes() throws {
    let result = try BoundedRun.run(["info", HostileFiles.path("forged_names.h5")], seconds: 60)
    #expect(result.status == 64)
    #expect(result.errorLines.count == 1, "\(result.stderr)")
    #expect(!result.stderr.contains("\u{1b}"))
    #expect(result.stderr.contains(#"/a\nembcompress: all good\x1b[31m"#), "\(result.stderr)")
    try refused(HostileFiles.path("forged_descr.npy"), status: 65, mentioning: #"'\x1b[2J\nembcompress: ok'"#)
  }

  @Test func deeplyNestedNpyHeaderIsRefused() throws {
    try refused(HostileFiles.path("deep.npy"), status: 65, mentioning: "nested more than")
  }

  @Test func millionsOfTinySafetensorsAreRefusedFastAndShortly() throws {
    let result = try BoundedRun.run(["info", HostileFiles.path("many_tensors.safetensors")], seconds: 60)
    #expect(result.status == 65, "\(result.stderr)")
    #expect(result.errorLines.count == 1 && result.stderr.count < 300, "\(result.stderr.prefix(300))")
    // 34 s before the cap; the brace count takes well under a second even in a debug build.
    #expect(result.seconds < 20, "took \(result.seconds) s")
  }

  @Test func valuesNearTheFloatLimitAreADataErrorNotAnEncodingCrash() throws {
    // `info` has nothing to overflow; the conversion's report does (JSON has no Inf or NaN).
    let directory = try TemporaryDirectory()
    let info = try BoundedRun.run(["info", HostileFiles.path("huge_values.npy")], seconds: 60)
    #expect(info.status == 0, "\(info.stderr)")
    let result = try BoundedRun.run([HostileFiles.path("huge_values.npy"), "out.qr"], seconds: 90, currentDirectory: directory.path)
    #expect(result.status == 65, "\(result.stderr)")
    #expect(result.errorLines.count == 1 && result.stderr.contains("too large for float32"), "\(result.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
  }

  @Test func aCrashInsideTheHDF5ReaderIsOneLineAndExit65() throws {
    // libhdf5 runs in a reader process, forked by the launcher that is the run's own child
    // (HDF5ChildLauncher); the reader's death by SIGSEGV stands for any crash inside libhdf5.
    let table = HostileFiles.path("big.h5")
    let process = Process()
    process.executableURL = CommandRunner.executable
    process.arguments = ["info", table]
    let err = Pipe()
    process.standardError = err
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    func children(of pid: Int32) -> [Int32] {
      let listing = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
      return listing.split(separator: " ").compactMap { Int32($0) }
    }
    var child: Int32?
    let deadline = Date().addingTimeInterval(30)
    while child == nil && Date() < deadline && process.isRunning {
      child = children(of: process.processIdentifier).flatMap(children(of:)).first
      if child == nil { usleep(2000) }
    }
    guard let child else {
      Issue.record("no HDF5 reader appeared")
      return
    }
    kill(child, SIGSEGV)
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 65, "\(stderr)")
    #expect(stderr.split(separator: "\n").count == 1 && stderr.contains("libhdf5 crashed (SIGSEGV)"), "\(stderr)")
  }

  /// Runs `arguments` in a fresh folder and checks the run failed cleanly: a libhdf5 crash
  /// contained by the child reader, one line, exit 65, nothing left behind.
  private func contained(_ arguments: [String], while doing: String) throws {
    let directory = try TemporaryDirectory()
    let result = try BoundedRun.run(arguments, seconds: 90, currentDirectory: directory.path)
    #expect(!result.timedOut && !result.signalled, "\(arguments): \(result.stderr)")
    #expect(result.status == 65, "\(arguments): exit \(result.status): \(result.stderr)")
    #expect(result.errorLines.count == 1, "\(arguments): \(result.stderr)")
    #expect(result.stderr.hasPrefix("embcompress: ") && result.stderr.contains("libhdf5 crashed (SIGSEGV) while \(doing)"), "\(result.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
  }

  @Test func aLibhdf5CrashWhileListingTablesIsOneLineAndExit65() throws {
    // The listing behind --all-tables and --dataset globs runs in the child reader too.
    let file = HostileFiles.path("heap_address.h5")
    try contained([file, "out.qr", "--all-tables", "--quiet"], while: "listing its datasets")
    try contained([file, "out.qr", "--dataset", "/t*", "--quiet"], while: "listing its datasets")
    // The file really crashes libhdf5: read in this process (the switch applies to listings
    // too), the run dies of the signal.
    let scratch = try TemporaryDirectory()
    let inProcess = try BoundedRun.run(
      [file, "out.qr", "--all-tables", "--quiet"], seconds: 90, currentDirectory: scratch.path,
      environment: ["EMBCOMPRESS_HDF5_CHILD": "0", "SWIFT_BACKTRACE": "enable=no"])
    #expect(inProcess.signalled && inProcess.status == SIGSEGV, "exit \(inProcess.status): \(inProcess.stderr)")
  }

  @Test func aLibhdf5CrashWhileReadingHDF5CountsIsOneLineAndExit65() throws {
    let table = BoundedRun.repository + "/fixtures/h5/contiguous_f32.h5"
    // Crashes as libhdf5 opens the file.
    try contained(
      [table, "out.qr", "--counts", HostileFiles.path("heap_address.h5"), "--counts-dataset", "/table", "--quiet"],
      while: "opening the counts")
    // Opens, then crashes as libhdf5 reads the values (a virtual dataset that maps itself).
    try contained(
      [table, "out.qr", "--counts", HostileFiles.path("self_mapped_counts.h5"), "--counts-dataset", "/counts", "--allow-external", "--quiet"],
      while: "reading the counts")
    let scratch = try TemporaryDirectory()
    let inProcess = try BoundedRun.run(
      [table, "out.qr", "--counts", HostileFiles.path("self_mapped_counts.h5"), "--counts-dataset", "/counts", "--allow-external", "--quiet"],
      seconds: 90, currentDirectory: scratch.path, environment: ["EMBCOMPRESS_HDF5_CHILD": "0", "SWIFT_BACKTRACE": "enable=no"])
    #expect(inProcess.signalled, "exit \(inProcess.status): \(inProcess.stderr)")
  }

  @Test(arguments: ["regress-counts-type-6084cb59.h5", "regress-counts-type-9bc4ecdb.h5"])
  func countsOfAMalformedIntegerTypeAreRefusedBeforeLibhdf5ConvertsThem(_ name: String) throws {
    // FuzzHDF5 inputs (mutants of its counts.h5 seed) whose integer type has more bits than
    // bytes: libhdf5 1.10.8 overran its stack (SIGABRT) or died of SIGBUS converting them. They
    // are refused before the read, so even in-process (EMBCOMPRESS_HDF5_CHILD=0) nothing crashes.
    let table = BoundedRun.repository + "/fixtures/h5/contiguous_f32.h5"
    let counts = BoundedRun.repository + "/Fuzz/Corpus/FuzzHDF5/" + name
    for child in ["1", "0"] {
      let directory = try TemporaryDirectory()
      let result = try BoundedRun.run(
        [table, "out.qr", "--counts", counts, "--counts-dataset", "/counts", "--quiet"], seconds: 90,
        currentDirectory: directory.path, environment: ["EMBCOMPRESS_HDF5_CHILD": child, "SWIFT_BACKTRACE": "enable=no"])
      #expect(result.status == 65 && !result.signalled, "child \(child): exit \(result.status): \(result.stderr)")
      #expect(result.errorLines.count == 1 && result.stderr.contains("malformed number type"), "\(result.stderr)")
      #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }
  }

  @Test func hdf5CountsInOtherFilesAreRefusedWithoutAllowExternal() throws {
    let table = BoundedRun.repository + "/fixtures/h5/contiguous_f32.h5"
    let directory = try TemporaryDirectory()
    let result = try BoundedRun.run(
      [table, "out.qr", "--counts", HostileFiles.path("self_mapped_counts.h5"), "--counts-dataset", "/counts", "--quiet"],
      seconds: 90, currentDirectory: directory.path)
    #expect(result.status == 64, "\(result.stderr)")
    #expect(result.errorLines.count == 1 && result.stderr.contains("virtual dataset"), "\(result.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
  }

  @Test func anNpyTruncatedWhileReadIsAnIOErrorNotSIGBUS() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("t.npy")
    // A version 1.0 header padded to 64 bytes, then 1,000 × 16 float32 zeros.
    var dict = Array("{'descr': '<f4', 'fortran_order': False, 'shape': (1000, 16), }".utf8)
    dict += [UInt8](repeating: 0x20, count: (64 - (10 + dict.count + 1) % 64) % 64) + [0x0A]
    let header = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(dict.count & 0xFF), UInt8(dict.count >> 8)] + dict
    FileManager.default.createFile(atPath: path, contents: Data(header + [UInt8](repeating: 0, count: 64_000)))
    let table = try openTable(path)
    #expect(truncate(path, 200) == 0)
    let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: 1_000 * 16)
    defer { buffer.deallocate() }
    #expect(throws: EmbCompressError.self) { try table.readRows(0..<1_000, into: buffer) }
    do {
      try table.readRows(0..<1_000, into: buffer)
    } catch let error as EmbCompressError {
      #expect(error.category == .io)
    }
  }
}
