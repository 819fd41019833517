/// A piece of work ran past its time limit (`Cancellation.withTimeLimit`) and was stopped part-way.
///
/// Only the plan sets a limit, and it catches this around the fit it limited: the candidate is
/// listed as not tried and the search goes on, so the error never reaches the user.
public struct TimeLimitReached: Error, Equatable, Sendable {
  public init() {}
}
