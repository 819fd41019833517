/// One pass of rank-1 CP ALS: updates one table, for several starting points at once.
///
/// For table j and bucket b, per column: W_j[b] = Σ_{i∈b} Eᵢ·P₋ⱼ(i) / Σ_{i∈b} P₋ⱼ(i)², where
/// P₋ⱼ(i) is the product of the other tables' rows for id i. Every start shares the one read of the
/// table, so restarts cost arithmetic, not passes.
final class CPSweep {
  let partitions: [Partition]
  let dim: Int
  private(set) var target = 0
  private var states: [[DoubleBuffer]] = []
  private var numerators: [DoubleBuffer] = []
  private var denominators: [DoubleBuffer] = []
  let squares: DoubleBuffer

  init(partitions: [Partition], dim: Int) {
    self.partitions = partitions
    self.dim = dim
    squares = DoubleBuffer(count: dim)
  }

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
    squares.zero()
  }

  func add(_ block: RowBlock, workers: ColumnWorkers) {
    let (partitions, dim, target) = (self.partitions, self.dim, self.target)
    let others = partitions.indices.filter { $0 != target }
    let shared = UncheckedSendable(
      (block, states.map { $0.map(\.pointer) }, numerators.map(\.pointer), denominators.map(\.pointer),
       squares.pointer))
    workers.run { columns in
      let (block, states, numerators, denominators, squares) = shared.value
      let width = columns.count, low = columns.lowerBound
      let e = UnsafeMutablePointer<Double>.allocate(capacity: 2 * width)
      defer { e.deallocate() }
      let p = e + width
      var cursors = partitions.map { PartitionCursor($0, at: block.firstRow) }
      var row = block.values.baseAddress! + low
      for _ in 0..<block.rowCount {
        for c in 0..<width {
          let value = Double(row[c])
          e[c] = value
          squares[low + c] += value * value
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
  }

  /// Sets table `target` of every state to its update and returns each state's per-column error
  /// after it: Σ‖E‖² − Σ_b numerator² / denominator. A bucket with no ids becomes 0; one whose
  /// other factors are all 0 keeps its value (it cannot matter).
  func finish(counts: [Double]) -> [[Double]] {
    states.indices.map { s in
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
