import Foundation
import Testing

private let real = FixtureManifest.path("real/minilm_position_embeddings.h5")
private let npy = FixtureManifest.path("npy/v1_f32.npy")
private let safetensors = FixtureManifest.path("safetensors/model_like.safetensors")
private let raw = FixtureManifest.path("raw/small.f32")
private let convertHint = "see 'embcompress convert --help'\n"

/// Mistakes in the command line: each is refused before anything is read or written, in one
/// style — `embcompress: …`, then one hint line — with exit 64.
@Suite struct UsageErrorTests {

  /// Runs in a fresh folder (the output `out.qr` lands there if anything goes wrong) and
  /// checks that nothing was written.
  private func refused(_ arguments: [String]) throws -> CommandRunner.Result {
    let directory = try TemporaryDirectory()
    let result = try CommandRunner.run(arguments, currentDirectory: directory.path)
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty, "\(arguments)")
    #expect(result.stdout.isEmpty, "\(arguments)")
    return result
  }

  @Test func aMistypedCommandSuggestsTheNearest() throws {
    let result = try refused(["inpsect", "tok.qr"])
    #expect(result.status == 64)
    let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.count == 3 && lines[2].isEmpty, "\(result.stderr)")
    #expect(lines.first == "embcompress: 'inpsect' is neither a command nor a file; did you mean 'inspect'?")
    // The hint lists every command (whatever commands are added later).
    let hint = String(lines[1])
    #expect(hint.hasPrefix("commands: convert, evaluate, ") && hint.contains(", inspect, "), "\(hint)")
    #expect(hint.hasSuffix("; see 'embcompress --help'"), "\(hint)")
    let other = try refused(["evalute", real, "x.qr"])
    #expect(other.status == 64)
    #expect(other.stderr.hasPrefix("embcompress: 'evalute' is neither a command nor a file; did you mean 'evaluate'?\n"))
  }

  @Test func aFileNamedLikeAWordIsStillTheInput() throws {
    let directory = try TemporaryDirectory()
    try FileManager.default.copyItem(atPath: npy, toPath: directory.file("inpsect"))
    let result = try CommandRunner.run(["inpsect", "out.qr", "--quiet"], currentDirectory: directory.path)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(FileManager.default.fileExists(atPath: directory.file("out.qr")))
  }

  @Test func aMissingPathIsNoInputNotAUsageError() throws {
    let result = try refused(["missing.h5", "out.qr"])
    #expect(result.status == 66)
    #expect(result.stderr == "embcompress: missing.h5: no such file\n")
  }

  @Test func noArgumentsAtAll() throws {
    let result = try refused([])
    #expect(result.status == 64)
    #expect(result.stderr == "embcompress: no input; give IN OUT to convert, or a command\nsee 'embcompress --help'\n")
  }

  @Test(arguments: [
    // argument-parser's own errors, in our style.
    ([real, "out.qr", "--bogus"], "unknown option '--bogus'; did you mean '--rows'?", convertHint),
    ([real, "out.qr", "--dim"], "missing value for '--dim <dim>'", convertHint),
    ([real], "missing expected argument '<output>'", convertHint),
    (["info"], "missing expected argument '<input>'", "see 'embcompress info --help'\n"),
    (
      [real, "out.qr", "--scheme", "zip"],
      "the value 'zip' is invalid for '--scheme <hash|qr|gqr|crt>'; please provide one of 'hash', 'qr', 'gqr' or 'crt'",
      convertHint
    ),
    // Our own validation, in the same style.
    ([real, "out.qr", "--threads", "0"], "--threads must be at least 1", convertHint),
    ([real, "out.qr", "--ratio", "0.5"], "--ratio must be above 1 (R times smaller than the input), not 0.5", convertHint),
    ([real, "out.qr", "--ratio", "1"], "--ratio must be above 1 (R times smaller than the input), not 1", convertHint),
    ([real, "out.qr", "--ratio=-3"], "--ratio must be above 1 (R times smaller than the input), not -3", convertHint),
    // Repeated options: argument-parser would keep the last.
    ([safetensors, "out.qr", "--tensor", "a", "--tensor", "b"], "--tensor is given 2 times; give it once", convertHint),
    ([real, "out.qr", "--seed", "1", "--seed=2", "--seed", "3"], "--seed is given 3 times; give it once", convertHint),
    (["info", raw, "--dim", "6", "--dim", "3"], "--dim is given 2 times; give it once", "see 'embcompress info --help'\n"),
  ])
  func commandLineMistakes(arguments: [String], message: String, hint: String) throws {
    let result = try refused(arguments)
    #expect(result.status == 64, "\(arguments)")
    #expect(result.stderr == "embcompress: \(message)\n\(hint)", "\(arguments)")
  }

  @Test(arguments: [
    // Input options of another format.
    ([npy, "out.qr", "--dim", "3"], "--dim only applies to raw input, not npy (\(npy))"),
    ([npy, "out.qr", "--dataset", "/x"], "--dataset only applies to HDF5 input, not npy (\(npy))"),
    ([real, "out.qr", "--tensor", "x"], "--tensor only applies to safetensors input, not HDF5 (\(real))"),
    ([safetensors, "out.qr", "--dataset", "/x"], "--dataset only applies to HDF5 input, not safetensors (\(safetensors))"),
    ([npy, "out.qr", "--dtype", "f32"], "--dtype only applies to raw input, not npy (\(npy))"),
    ([real, "out.qr", "--endian", "big"], "--endian only applies to raw input, not HDF5 (\(real))"),
    ([real, "out.qr", "--offset", "16"], "--offset only applies to raw input, not HDF5 (\(real))"),
    ([npy, "out.qr", "--rows", "3"], "--rows only applies to raw input, not npy (\(npy))"),
    // Fit options of another scheme or operation.
    ([real, "out.qr", "--scheme", "hash", "--operation", "add"], "--operation only applies to --scheme qr, gqr or crt, not hash"),
    ([real, "out.qr", "--scheme", "hash", "--operation", "concat"], "--operation only applies to --scheme qr, gqr or crt, not hash"),
    ([real, "out.qr", "--scheme", "qr", "--moduli", "23,23"], "--moduli only applies to --scheme gqr or crt, not qr"),
    ([real, "out.qr", "--partitions", "3"], "--partitions only applies to --scheme gqr or crt, not qr"),
    ([real, "out.qr", "--scheme", "crt", "--collisions", "4"], "--collisions only applies to --scheme qr or hash, not crt"),
    ([real, "out.qr", "--concat-dims", "192,192"], "--concat-dims only applies to --operation concat, not mult"),
  ])
  func optionsThatDoNotApplyAreRefused(arguments: [String], message: String) throws {
    let result = try refused(arguments)
    #expect(result.status == 64, "\(arguments)")
    #expect(result.stderr == "embcompress: \(message)\n\(convertHint)", "\(arguments)")
  }

  @Test func theSameRuleHoldsForInfoAndEvaluate() throws {
    let info = try refused(["info", npy, "--tensor", "x"])
    #expect(info.status == 64)
    #expect(info.stderr == "embcompress: --tensor only applies to safetensors input, not npy (\(npy))\nsee 'embcompress info --help'\n")
    let evaluate = try refused(["evaluate", npy, "missing.qr", "--dim", "3"])
    #expect(evaluate.status == 64)
    #expect(evaluate.stderr == "embcompress: --dim only applies to raw input, not npy (\(npy))\nsee 'embcompress evaluate --help'\n")
  }

  @Test func optionsThatApplyStillWork() throws {
    let directory = try TemporaryDirectory()
    let raw = try CommandRunner.run(["info", raw, "--dim", "6", "--dtype", "f32", "--endian", "little"])
    #expect(raw.status == 0, "\(raw.stderr)")
    let forced = try CommandRunner.run(["info", npy, "--format", "raw", "--dim", "4"])
    // --format raw makes the raw options apply; the .npy header is then read as floats.
    #expect(forced.stderr.contains("--dim only applies") == false)
    let hash = try CommandRunner.run([real, directory.file("h.qr"), "--scheme", "hash", "--collisions", "8", "--quiet"])
    #expect(hash.status == 0, "\(hash.stderr)")
    // mult is what a hash checkpoint records, so saying it changes nothing and is accepted.
    let hashMult = try CommandRunner.run(
      [real, directory.file("hm.qr"), "--scheme", "hash", "--operation", "mult", "--collisions", "8", "--quiet"])
    #expect(hashMult.status == 0, "\(hashMult.stderr)")
    let concat = try CommandRunner.run(
      [real, directory.file("c.qr"), "--operation", "concat", "--concat-dims", "192,192", "--quiet"])
    #expect(concat.status == 0, "\(concat.stderr)")
  }

  @Test func helpAndVersionGoToStandardOutput() throws {
    let version = try CommandRunner.run(["--version"])
    #expect(version.status == 0)
    #expect(version.stdout == "0.1.0\n")
    let help = try CommandRunner.run(["convert", "--help"])
    #expect(help.status == 0)
    #expect(help.stdout.contains("--progress"))
    #expect(help.stderr.isEmpty)
  }
}
