import ArgumentParser
import EmbCompress

/// The options that widen the fit beyond one compositional term: more terms, a projection,
/// rows kept exactly, and per-id counts that weight the fit.
struct FamilyArguments: ParsableArguments {
  @Option(help: "mult: the table is the sum of R terms over the same partitions (default 1).")
  var terms: Int = 1

  @Option(help: ArgumentHelp("K-wide tables mapped to the table's width by a K×dim projection (1 ≤ K < dim).", valueName: "K"))
  var project: Int?

  @Option(help: ArgumentHelp("Store N rows exactly, or P% of them: the most counted with --counts, else the worst served.", valueName: "N|P%"))
  var exactRows: ExactRowCount?

  @OptionGroup var countsOptions: CountsArguments

  func validate() throws {
    if terms < 1 { throw ValidationError("--terms must be at least 1, not \(terms)") }
    if let project, project < 1 { throw ValidationError("--project must be at least 1, not \(project)") }
  }

  var countsRequest: CountsRequest? { countsOptions.request }
}

extension ExactRowCount: ExpressibleByArgument {}
