#if canImport(Glibc)
  import Glibc
#endif

/// Refuses outputs that would lose something the user has, before any work is done.
public enum OutputPathCheck {
  /// - Throws: `.invalidArguments` when `output` is the input (by path, link or inode), or exists
  ///   and `replacing` is false; `.cannotCreate` when it is a directory or its folder is missing.
  public static func check(output: String, input: String, replacing: Bool) throws {
    var inputStatus = stat()
    var outputStatus = stat()
    let inputExists = stat(input, &inputStatus) == 0
    guard stat(output, &outputStatus) == 0 else {
      let folder = output.contains("/") ? String(output[..<output.lastIndex(of: "/")!]) : "."
      var folderStatus = stat()
      guard stat(folder.isEmpty ? "/" : folder, &folderStatus) == 0, (folderStatus.st_mode & S_IFMT) == S_IFDIR else {
        throw EmbCompressError.cannotCreate(path: output, detail: "its folder does not exist")
      }
      return
    }
    if inputExists && inputStatus.st_dev == outputStatus.st_dev && inputStatus.st_ino == outputStatus.st_ino {
      throw EmbCompressError.invalidOption(path: output, detail: "is the input file; choose another output")
    }
    if (outputStatus.st_mode & S_IFMT) == S_IFDIR {
      throw EmbCompressError.cannotCreate(path: output, detail: "is a directory")
    }
    guard replacing else {
      throw EmbCompressError.invalidOption(path: output, detail: "already exists; pass --force to replace it")
    }
  }
}
