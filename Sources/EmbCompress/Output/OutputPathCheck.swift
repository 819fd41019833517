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

  /// Whether `a` and `b` name the same file: the same device and inode when both exist, else
  /// the same name in the same folder (the folder resolved through links, `.` and `..`), so
  /// `./out.qr`, `out.qr` and `sub/../out.qr` are one output even before it exists.
  public static func sameFile(_ a: String, _ b: String) -> Bool {
    var first = stat()
    var second = stat()
    if stat(a, &first) == 0, stat(b, &second) == 0 {
      return first.st_dev == second.st_dev && first.st_ino == second.st_ino
    }
    guard let left = resolved(a), let right = resolved(b) else { return a == b }
    return left == right
  }

  /// The real path of the folder of `path`, plus its last component.
  private static func resolved(_ path: String) -> String? {
    let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    let slash = trimmed.lastIndex(of: "/")
    let folder = slash.map { trimmed[..<$0].isEmpty ? "/" : String(trimmed[..<$0]) } ?? "."
    let name = slash.map { String(trimmed[trimmed.index(after: $0)...]) } ?? trimmed
    guard let real = realpath(folder, nil) else { return nil }
    defer { free(real) }
    return String(cString: real) + "/" + name
  }
}
