/// A baseline the report leaves out, and why (`baselines_omitted`): the report says so rather
/// than drop it silently.
public struct OmittedBaseline: Sendable, Equatable, Encodable {
  public var method: Baseline.Method
  public var reason: String

  public init(method: Baseline.Method, reason: String) {
    self.method = method
    self.reason = reason
  }
}
