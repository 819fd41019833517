import EmbCompress
import Foundation
import Testing

/// `--counts` files: every dtype a `.npy` may hold, text, HDF5, and each way they can be wrong.
@Suite struct IdCountsTests {
  /// A `.npy` v1.0 file of a 1-D array: `descr` and its raw little- or big-endian bytes.
  private func npy(_ descr: String, count: Int, data: [UInt8]) -> [UInt8] {
    var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': (\(count),), }"
    while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
    header += "\n"
    let length = UInt16(header.utf8.count)
    return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(header.utf8) + data
  }

  private func bytes<T: FixedWidthInteger>(_ values: [T], bigEndian: Bool = false) -> [UInt8] {
    values.flatMap { value in withUnsafeBytes(of: bigEndian ? value.bigEndian : value.littleEndian) { Array($0) } }
  }

  private func write(_ bytes: [UInt8], _ name: String, in folder: TemporaryDirectory) throws -> String {
    let path = folder.file(name)
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
  }

  @Test func readsEveryIntegerAndFloatDtype() throws {
    let folder = try TemporaryDirectory()
    let expected: [Double] = [0, 3, 1, 250]
    let files: [(String, [UInt8])] = [
      ("|u1", expected.map { UInt8($0) }),
      ("<i2", bytes(expected.map { Int16($0) })),
      (">i4", bytes(expected.map { Int32($0) }, bigEndian: true)),
      ("<u8", bytes(expected.map { UInt64($0) })),
      ("<f2", bytes(expected.map { Float16($0).bitPattern })),
      ("<f4", bytes(expected.map { Float($0).bitPattern })),
      (">f8", bytes(expected.map { $0.bitPattern }, bigEndian: true)),
    ]
    for (descr, data) in files {
      let path = try write(npy(descr, count: 4, data: data), "c.npy", in: folder)
      #expect(try IdCounts(path: path, rows: 4).values == expected, "\(descr)")
    }
    let negative = try write(npy("<i8", count: 2, data: bytes([Int64(5), -2])), "n.npy", in: folder)
    #expect(throws: EmbCompressError.malformed(path: negative, detail: "count 1 is -2.0; counts must not be negative")) {
      try IdCounts(path: negative, rows: 2)
    }
  }

  @Test func readsTextOneNumberPerLine() throws {
    let folder = try TemporaryDirectory()
    let path = try write(Array("4\n0\r\n2.5\n\n".utf8), "c.txt", in: folder)
    #expect(try IdCounts(path: path, rows: 3).values == [4, 0, 2.5])
    let bad = try write(Array("4\nmany\n".utf8), "bad.txt", in: folder)
    #expect(throws: EmbCompressError.malformed(path: bad, detail: "line 2 is 'many', not a number")) {
      try IdCounts(path: bad, rows: 2)
    }
  }

  @Test func refusesWrongLengthNaNAndAllZero() throws {
    let folder = try TemporaryDirectory()
    let short = try write(Array("1\n2\n".utf8), "short.txt", in: folder)
    #expect(throws: EmbCompressError.malformed(path: short, detail: "holds 2 counts, but the table has 3 rows; give one count per id")) {
      try IdCounts(path: short, rows: 3)
    }
    let nan = try write(npy("<f4", count: 2, data: bytes([Float(1).bitPattern, Float.nan.bitPattern])), "nan.npy", in: folder)
    #expect(throws: EmbCompressError.malformed(path: nan, detail: "count 1 is nan; counts must be finite")) {
      try IdCounts(path: nan, rows: 2)
    }
    let zero = try write(Array("0\n0\n".utf8), "zero.txt", in: folder)
    #expect(throws: EmbCompressError.malformed(path: zero, detail: "every count is zero; nothing says which ids matter")) {
      try IdCounts(path: zero, rows: 2)
    }
    let twoD = try write(npy("<f4", count: 2, data: []).replacing(Array("(2,)".utf8), with: Array("(1,2)".utf8)), "2d.npy", in: folder)
    #expect(throws: EmbCompressError.malformed(path: twoD, detail: "counts must be a 1-D array, not shape [1, 2]")) {
      try IdCounts(path: twoD, rows: 2)
    }
  }

  @Test func flooredWeightsKeepEveryIdAboveAFractionOfTheMean() throws {
    let counts = try IdCounts(path: "c", values: [0, 10, 30, 0], rows: 4)
    #expect(counts.weights(floor: 0.01) == [0.1, 10, 30, 0.1])
    #expect(counts.weights(floor: 0) == [0, 10, 30, 0])
  }

  @Test func readsAOneDimensionalHDF5Dataset() throws {
    let folder = try TemporaryDirectory()
    let path = folder.file("counts.h5")
    let script = "import h5py, numpy as np; f = h5py.File('\(path)', 'w'); f['/stats/counts'] = np.array([7, 0, 2], np.int32); f['/table'] = np.zeros((3, 2), np.float32)"
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script]
    try process.run()
    process.waitUntilExit()
    try #require(process.terminationStatus == 0, "h5py is needed (scripts/setup --python installs it)")
    #expect(try IdCounts(path: path, dataset: "/stats/counts", rows: 3).values == [7, 0, 2])
    #expect(throws: EmbCompressError.invalidOption(path: path, detail: "HDF5 counts need --counts-dataset to name the 1-D dataset")) {
      try IdCounts(path: path, rows: 3)
    }
    #expect(throws: EmbCompressError.malformed(path: path, detail: "counts dataset '/table' has shape [3, 2], not 1-D")) {
      try IdCounts(path: path, dataset: "/table", rows: 3)
    }
  }
}
