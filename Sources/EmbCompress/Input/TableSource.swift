/// A dense table that can be read, as `Float`, in row blocks and as many passes as needed.
///
/// Conformers implement `readRows(_:into:)`; `forEachBlock` (in an extension) does the block
/// sizing and the NaN/Inf check every pass relies on.
///
///     let table = try openTable("in.h5")
///     try table.forEachBlock { block in print(block.rows) }
public protocol TableSource: AnyObject {
  var info: TableInfo { get }

  /// Rows per block are rounded to a multiple of this (the HDF5 chunk height, say); 1 for none.
  var preferredRowMultiple: Int { get }

  /// Reads the rows in `range` as `Float`, row-major, into `buffer` (`range.count × dim` values).
  func readRows(_ range: Range<Int>, into buffer: UnsafeMutableBufferPointer<Float>) throws

  /// A buffer of at least `count` values for a streamed pass's blocks, given back with
  /// `giveBlockBuffer` when the pass ends. The default is ordinary memory; the HDF5 child
  /// reader gives memory it shares with its child, which then reads straight into it.
  func takeBlockBuffer(count: Int) -> UnsafeMutableBufferPointer<Float>

  func giveBlockBuffer(_ buffer: UnsafeMutableBufferPointer<Float>)
}

extension TableSource {
  public var preferredRowMultiple: Int { 1 }

  public func takeBlockBuffer(count: Int) -> UnsafeMutableBufferPointer<Float> { BlockBufferPool.take(count: count) }

  public func giveBlockBuffer(_ buffer: UnsafeMutableBufferPointer<Float>) { BlockBufferPool.give(buffer) }
}
