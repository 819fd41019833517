import CKernels

/// One pass of rank-1 CP ALS: updates one table, for several starting points at once.
///
/// For table j and bucket b, per column: W_j[b] = Σ_{i∈b} Eᵢ·P₋ⱼ(i) / Σ_{i∈b} P₋ⱼ(i)², where
/// P₋ⱼ(i) is the product of the other tables' rows for id i. Every start shares the one read of the
/// table, so restarts cost arithmetic, not passes.
final class CPSweep {
  let partitions: [Partition]
  let dim: Int
  /// A partition with divisor 1 whose modulus divides every other divisor (gqr has one): over an
  /// aligned run of `runLength` ids every other bucket stays the same, so a pass works run by run.
  let fastIndex: Int?
  private(set) var target = 0
  private var states: [[DoubleBuffer]] = []
  private var numerators: [DoubleBuffer] = []
  private var denominators: [DoubleBuffer] = []
  /// Per state, Σ over full runs of P₋ⱼ² when the target is the fast table (every fast bucket
  /// gets it), or Σ_a W_fast[a]² when it is not; `states.count × dim`.
  private var runTerms: DoubleBuffer
  /// Σᵢ Eᵢ[c]², measured by the first pass only: it is the same every pass.
  let squares: DoubleBuffer
  private var squaresMeasured = false

  init(partitions: [Partition], dim: Int) {
    self.partitions = partitions
    self.dim = dim
    fastIndex = partitions.indices.first { f in
      let m = partitions[f].modulus
      return partitions[f].divisor == 1 && m >= 2
        && partitions.indices.allSatisfy { $0 == f || partitions[$0].divisor % m == 0 }
    }
    squares = DoubleBuffer(count: dim)
    runTerms = DoubleBuffer(count: dim)
  }

  /// Ids per run; blocks that start and end on multiples of it are never cut mid-run.
  var runLength: Int { fastIndex.map { partitions[$0].modulus } ?? 1 }

  /// Starts a pass that will update table `target` of every state (each a list of tables).
  func begin(target: Int, states: [[DoubleBuffer]]) {
    self.target = target
    self.states = states
    let size = partitions[target].modulus * dim
    if numerators.count != states.count || numerators.first?.count != size {
      numerators = states.map { _ in DoubleBuffer(count: size) }
      denominators = states.map { _ in DoubleBuffer(count: size) }
    } else {
      for buffer in numerators + denominators { buffer.zero() }
    }
    if runTerms.count != states.count * dim { runTerms = DoubleBuffer(count: states.count * dim) }
    runTerms.zero()
    if let f = fastIndex, f != target {
      for (s, tables) in states.enumerated() {
        let fast = tables[f]
        for a in 0..<partitions[f].modulus {
          for c in 0..<dim { runTerms[s * dim + c] += fast[a * dim + c] * fast[a * dim + c] }
        }
      }
    }
    if !squaresMeasured { squares.zero() }
  }

  func add(_ block: RowBlock, workers: ColumnWorkers) {
    let (partitions, dim, target, fastIndex) = (self.partitions, self.dim, self.target, self.fastIndex)
    let measure = !squaresMeasured
    let others = partitions.indices.filter { $0 != target }
    let shared = UncheckedSendable(
      (block, states.map { $0.map(\.pointer) }, numerators.map(\.pointer), denominators.map(\.pointer),
       squares.pointer, runTerms.pointer))
    workers.run { columns in
      let (block, states, numerators, denominators, squares, runTerms) = shared.value
      let width = columns.count, low = columns.lowerBound
      let e = UnsafeMutablePointer<Double>.allocate(capacity: 2 * width)
      defer { e.deallocate() }
      let p = e + width
      let end = block.firstRow + block.rowCount

      /// Rows `ids` one by one: any layout.
      func rowByRow(_ ids: Range<Int>) {
        guard !ids.isEmpty else { return }
        var cursors = partitions.map { PartitionCursor($0, at: ids.lowerBound) }
        var row = block.values.baseAddress! + (ids.lowerBound - block.firstRow) * dim + low
        for _ in ids {
          for c in 0..<width { e[c] = Double(row[c]) }
          if measure {
            for c in 0..<width { squares[low + c] += e[c] * e[c] }
          }
          let offset = cursors[target].bucket * dim + low
          for (s, tables) in states.enumerated() {
            let num = numerators[s] + offset, den = denominators[s] + offset
            // Two and three tables (one or two others) keep the product in registers.
            switch others.count {
            case 1:
              let f = tables[others[0]] + cursors[others[0]].bucket * dim + low
              for c in 0..<width {
                num[c] += e[c] * f[c]
                den[c] += f[c] * f[c]
              }
            case 2:
              let f = tables[others[0]] + cursors[others[0]].bucket * dim + low
              let g = tables[others[1]] + cursors[others[1]].bucket * dim + low
              for c in 0..<width {
                let product = f[c] * g[c]
                num[c] += e[c] * product
                den[c] += product * product
              }
            default:
              p.update(repeating: 1, count: width)
              for l in others {
                let factor = tables[l] + cursors[l].bucket * dim + low
                for c in 0..<width { p[c] *= factor[c] }
              }
              for c in 0..<width {
                num[c] += e[c] * p[c]
                den[c] += p[c] * p[c]
              }
            }
          }
          for j in cursors.indices { cursors[j].advance() }
          row += dim
        }
      }

      guard let f = fastIndex else {
        rowByRow(block.firstRow..<end)
        return
      }
      // Runs: the ids q·m … q·m + m − 1 share every bucket but the fast one, which is the offset.
      let m = partitions[f].modulus
      let slow = partitions.indices.filter { $0 != f && $0 != target }
      let firstRun = (block.firstRow + m - 1) / m * m
      let lastRun = max(firstRun, end / m * m)
      rowByRow(block.firstRow..<min(end, firstRun))
      var id = firstRun
      while id < lastRun {
        let x = block.values.baseAddress! + (id - block.firstRow) * dim + low
        if measure { ck_square_rows(x, dim, m, width, squares + low) }
        let targetBucket = partitions[target].bucket(of: id)
        for (s, tables) in states.enumerated() {
          // p: the product of the tables other than the target and the fast one, for this run.
          p.update(repeating: 1, count: width)
          for l in slow {
            let factor = tables[l] + partitions[l].bucket(of: id) * dim + low
            for c in 0..<width { p[c] *= factor[c] }
          }
          let terms = runTerms + s * dim + low
          if target == f {
            // num[a] += x[a]·p for each offset a; every fast bucket's denominator gets p².
            ck_axpy_rows(x, dim, p, m, width, numerators[s] + low, dim)
            for c in 0..<width { terms[c] += p[c] * p[c] }
          } else {
            // num[b] += p·Σ_a x[a]·W_fast[a]; den[b] += p²·Σ_a W_fast[a]².
            let dot = e
            ck_dot_rows(x, dim, tables[f] + low, dim, m, width, dot)
            let num = numerators[s] + targetBucket * dim + low, den = denominators[s] + targetBucket * dim + low
            for c in 0..<width {
              num[c] += p[c] * dot[c]
              den[c] += p[c] * p[c] * terms[c]
            }
          }
        }
        id += m
      }
      rowByRow(min(end, lastRun)..<end)
    }
  }

  /// Sets table `target` of every state to its update and returns each state's per-column error
  /// after it: Σ‖E‖² − Σ_b numerator² / denominator. A bucket with no ids becomes 0; one whose
  /// other factors are all 0 keeps its value (it cannot matter).
  func finish(counts: [Double]) -> [[Double]] {
    squaresMeasured = true
    if let f = fastIndex, f == target {
      for s in states.indices {
        let den = denominators[s]
        for b in 0..<partitions[f].modulus {
          for c in 0..<dim { den[b * dim + c] += runTerms[s * dim + c] }
        }
      }
    }
    return states.indices.map { s in
      var error = (0..<dim).map { squares[$0] }
      let table = states[s][target], num = numerators[s], den = denominators[s]
      for b in 0..<partitions[target].modulus {
        for c in 0..<dim {
          let index = b * dim + c
          if den[index] > 0 {
            table[index] = num[index] / den[index]
            error[c] -= num[index] * num[index] / den[index]
          } else if counts[b] == 0 {
            table[index] = 0
          }
        }
      }
      return error.map { max(0, $0) }
    }
  }
}

