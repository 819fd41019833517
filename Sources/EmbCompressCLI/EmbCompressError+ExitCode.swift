import ArgumentParser
import EmbCompress

import Foundation

extension EmbCompressError {
  /// The sysexits code for the error's category.
  var exitCode: ExitCode {
    switch category {
    case .usage: ExitCode(64)
    case .data: ExitCode(65)
    case .noInput: ExitCode(66)
    case .cannotCreate: ExitCode(73)
    case .io: ExitCode(74)
    case .system: ExitCode(71)
    }
  }
}

/// Runs `body`, turning a library error into one line on stderr and its exit code.
///
/// An interruption (`Interrupted`, or any outcome once SIGINT/SIGTERM was received) ends the
/// process in `InterruptHandler.stop`, after the files being written are gone.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
  let result: T
  do {
    result = try body()
  } catch let interrupted as Interrupted {
    InterruptHandler.stop(signal: interrupted.signal)
  } catch let error as EmbCompressError {
    if let signal = Cancellation.requestedSignal { InterruptHandler.stop(signal: signal) }
    StandardError.write("embcompress: \(error.message)\n")
    throw error.exitCode
  }
  // A signal during the commit waited for it; it is honoured now, saying what was written.
  if let signal = Cancellation.requestedSignal { InterruptHandler.stop(signal: signal) }
  return result
}

enum StandardError {
  static func write(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
  }
}
