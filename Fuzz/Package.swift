// swift-tools-version:6.1
// libFuzzer targets for embcompress's parsers. Kept apart from the main package because they
// only link with -sanitize=fuzzer (libFuzzer supplies main). Build and run with scripts/fuzz.
import PackageDescription

let fuzzers = ["FuzzNpyHeader", "FuzzSafetensorsHeader", "FuzzCompressedTable", "FuzzRawLayout", "FuzzHDF5"]

let package = Package(
  name: "embcompress-fuzz",
  products: fuzzers.map { .executable(name: $0, targets: [$0]) },
  dependencies: [.package(name: "embcompress", path: "..")],
  targets: [.target(name: "FuzzerEntry")]
    + fuzzers.map {
      .executableTarget(
        name: $0,
        dependencies: ["FuzzerEntry", .product(name: "EmbCompress", package: "embcompress")],
        swiftSettings: [.unsafeFlags(["-parse-as-library"])]
      )
    },
  swiftLanguageModes: [.v6]
)
