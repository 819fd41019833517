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
    }
  }
}

/// Runs `body`, turning a library error into one line on stderr and its exit code.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
  do {
    return try body()
  } catch let error as EmbCompressError {
    StandardError.write("embcompress: \(error.message)\n")
    throw error.exitCode
  }
}

enum StandardError {
  static func write(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
  }
}
