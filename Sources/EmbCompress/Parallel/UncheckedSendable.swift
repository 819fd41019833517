/// Lets `concurrentPerform` workers share pointers and closures; the caller guarantees each
/// worker touches only its own part.
public struct UncheckedSendable<Value>: @unchecked Sendable {
  public var value: Value
  public init(_ value: Value) { self.value = value }
}
