import Dispatch

/// A value computed on another thread while the caller goes on; `value` waits for it.
///
///     let digest = BackgroundValue { checkpoint.dataDigest() }
///     let report = try evaluate()          // meanwhile, on both cores' spare cycles
///     let header = checkpoint.encodedHeader(digest: digest.value)
final class BackgroundValue<Value>: @unchecked Sendable {
  private var result: Value?
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
    if let result { return result }
    done.wait()
    return result!
  }
}
