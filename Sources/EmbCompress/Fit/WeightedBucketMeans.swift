/// hash and concat with weights: each table row is the weighted mean of its bucket's rows (for
/// concat, of the partition's column block), Σ_{i∈b} wᵢEᵢ / Σ_{i∈b} wᵢ. Nothing couples the
/// tables, so this is the exact weighted least-squares optimum, in one pass. A bucket of total
/// weight 0 is 0.
enum WeightedBucketMeans {
  static func fit(
    target: UnsafeBufferPointer<Float>, rows: Int, width: Int, layout: CompositionalLayout, weights: [Double]
  ) -> CompositionalTables {
    var offset = 0
    var tables: [[Float]] = []
    for partition in layout.partitions {
      let columns = layout.operation == .concat ? partition.dim : width
      var sums = [Double](repeating: 0, count: partition.modulus * columns)
      var mass = [Double](repeating: 0, count: partition.modulus)
      for id in 0..<rows {
        let w = weights[id]
        guard w > 0 else { continue }
        let b = partition.bucket(of: id)
        mass[b] += w
        let row = id * width + offset
        for c in 0..<columns { sums[b * columns + c] += w * Double(target[row + c]) }
      }
      tables.append(
        (0..<(partition.modulus * columns)).map { index in
          let m = mass[index / columns]
          return m > 0 ? Float(sums[index] / m) : 0
        })
      if layout.operation == .concat { offset += columns }
    }
    return CompositionalTables(layout: layout, weights: tables)
  }
}
