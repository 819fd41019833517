/// Lets `concurrentPerform` workers share pointers; each worker touches only its own columns.
struct UncheckedSendable<Value>: @unchecked Sendable {
  var value: Value
  init(_ value: Value) { self.value = value }
}
