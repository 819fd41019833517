import Dispatch

/// A value computed on another thread while the caller goes on; `value` waits for it.
///
///     let digest = BackgroundValue { checkpoint.dataDigest() }
///     let report = try evaluate()          // meanwhile, on both cores' spare cycles
///     let header = checkpoint.encodedHeader(digest: digest.value)
final class BackgroundValue<Value>: @unchecked Sendable {
  private var result: Value?
  private var taken = false
  private let done = DispatchSemaphore(value: 0)

  init(_ compute: @escaping () -> Value) {
    let work = UncheckedSendable(compute)
    DispatchQueue.global().async {
      self.result = work.value()
      self.done.signal()
    }
  }

  /// The value, once computed; the first call waits for it.
  var value: Value {
    precondition(!taken, "the value was taken")
    if let result { return result }
    done.wait()
    return result!
  }

  /// The value, once computed, handed over for good: the box keeps no reference, so a large value
  /// is freed as soon as its new owner lets go. Neither `value` nor `take()` may follow.
  func take() -> Value {
    let made = value
    taken = true
    result = nil
    return made
  }
}
