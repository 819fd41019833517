import EmbCompress
import Testing

@Suite struct TableFormatTests {
  @Test func signatures() {
    #expect(TableFormat(signature: [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]) == .hdf5)
    #expect(TableFormat(signature: [0x93] + Array("NUMPY".utf8) + [1, 0]) == .npy)
    #expect(TableFormat(signature: [0x40, 0, 0, 0, 0, 0, 0, 0] + Array("{\"".utf8)) == .safetensors)
    #expect(TableFormat(signature: Array("hello world!".utf8)) == nil)
    #expect(TableFormat(signature: [UInt8]()) == nil)
  }

  @Test func extensions() {
    #expect(TableFormat(pathExtension: "H5") == .hdf5)
    #expect(TableFormat(pathExtension: "hdf5") == .hdf5)
    #expect(TableFormat(pathExtension: "npy") == .npy)
    #expect(TableFormat(pathExtension: "safetensors") == .safetensors)
    #expect(TableFormat(pathExtension: "bf16") == .raw)
    #expect(TableFormat(pathExtension: "csv") == nil)
  }

  @Test func namesAcceptHDF5Synonym() {
    #expect(TableFormat(name: "hdf5") == .hdf5)
    #expect(TableFormat(name: "h5") == .hdf5)
    #expect(TableFormat(name: "parquet") == nil)
  }
}
