import Testing

@testable import EmbCompress

/// Same answer whatever the thread count (bit for bit), and whether the table is streamed or held.
@Suite struct FitDeterminismTests {
  /// One layout per algorithm and route; dim 20 gives two column workers (16 columns and 4).
  static func layouts(rows: Int) throws -> [(String, CompositionalLayout)] {
    let small = rows <= 315
    return [
      ("hash", try layout(rows: rows, dim: 20, .hash, .add, .collisions(7))),
      ("qr concat", try layout(rows: rows, dim: 20, .qr, .concat, .collisions(7))),
      ("qr add", try layout(rows: rows, dim: 20, .qr, .add, .collisions(7))),
      ("crt add", try layout(rows: rows, dim: 20, .crt, .add, .moduli(small ? [5, 7, 9] : [13, 14, 15]))),
      ("qr mult, direct Gram", try layout(rows: rows, dim: 20, .qr, .mult, .collisions(7))),
      ("qr mult, BLAS Gram", try layout(rows: rows, dim: 20, .qr, .mult, .collisions(17))),
      ("qr mult, slow-side Gram", try layout(rows: rows, dim: 20, .qr, .mult, .collisions(60))),
      ("gqr mult", try layout(rows: rows, dim: 20, .gqr, .mult, .moduli(small ? [5, 6, 8] : [12, 14, 15]))),
      ("crt mult", try layout(rows: rows, dim: 20, .crt, .mult, .moduli(small ? [17, 19] : [47, 53]))),
    ]
  }

  @Test func threadCountDoesNotChangeABit() throws {
    for rows in [240, 237] {
      let table = TestTable.gaussian(rows: rows, dim: 20, seed: UInt64(rows), mean: 0.1)
      for (name, layout) in try Self.layouts(rows: rows) {
        for budget in [1 << 30, 0] {
          let one = try CompositionalFitter.fit(table.source, layout: layout, options: testOptions(threads: 1, memoryBudget: budget))
          let two = try CompositionalFitter.fit(table.source, layout: layout, options: testOptions(threads: 2, memoryBudget: budget))
          let three = try CompositionalFitter.fit(table.source, layout: layout, options: testOptions(threads: 3, memoryBudget: budget))
          #expect(one.tables.weights == two.tables.weights, "\(name) n=\(rows) budget \(budget)")
          #expect(one.tables.weights == three.tables.weights, "\(name) n=\(rows) budget \(budget)")
          #expect(one.iterations == two.iterations && one.squaredError == two.squaredError, "\(name) n=\(rows)")
        }
      }
    }
  }

  /// The slow-side Gram needs the table in memory, so that route has no streamed twin.
  @Test func streamingMatchesInMemory() throws {
    for rows in [2400, 2397] {
      let table = TestTable.gaussian(rows: rows, dim: 20, seed: UInt64(rows) + 1, mean: 0.1)
      let tableBytes = rows * 20 * 4
      for (name, layout) in try Self.layouts(rows: rows) where !name.contains("slow-side") {
        let held = try CompositionalFitter.fit(table.source, layout: layout, options: testOptions())
        // Just under the table: every pass streams, but the Gram matrices still fit a quarter of
        // the budget. Blocks of 5 rows cut the grid rows, so they go through the staging buffer.
        let streamed = try CompositionalFitter.fit(
          table.source, layout: layout, options: testOptions(memoryBudget: tableBytes - 1, maxBlockBytes: 5 * 20 * 4))
        #expect(held.method == streamed.method, "\(name)")
        #expect(held.iterations == streamed.iterations, "\(name)")
        if [.alsRankOne, .cpRankOne].contains(held.method) {
          #expect(streamed.passes > 1 && held.passes == 1, "\(name) n=\(rows): \(streamed.passes) and \(held.passes) passes")
        } else if held.method == .gramRankOne {
          // The fast-side Gram route streams whatever the budget (a copy costs more than a pass).
          #expect(streamed.passes >= 2 && held.passes == streamed.passes, "\(name) n=\(rows)")
        }
        let scale = held.tables.weights.joined().map { abs(Double($0)) }.max()!
        let worst = zip(held.tables.weights.joined(), streamed.tables.weights.joined()).map { abs(Double($0) - Double($1)) }.max()!
        #expect(worst <= 1e-6 * scale, "\(name) n=\(rows): streamed tables differ by \(worst)")
      }
    }
  }

  @Test func progressIsReportedAFewTimesPerPass() throws {
    final class Log: @unchecked Sendable {
      var events: [FitProgress] = []
    }
    let log = Log()
    let table = TestTable.gaussian(rows: 400, dim: 4, seed: 3)
    let layout = try layout(rows: 400, dim: 4, .gqr, .mult, .moduli([5, 8, 10]))
    let result = try CompositionalFitter.fit(
      table.source, layout: layout, options: testOptions(maxBlockBytes: 7 * 4 * 4)) { log.events.append($0) }
    let passes = Set(log.events.map(\.pass))
    #expect(passes.count == 3 * result.iterations)
    for pass in passes {
      let events = log.events.filter { $0.pass == pass }
      #expect(events.count >= 2 && events.count <= 6, "pass \(pass) reported \(events.count) times")
      #expect(events.last!.rowsDone == 400 && events.allSatisfy { $0.rowsTotal == 400 && $0.phase == "cp" })
    }
  }
}
