// swift-tools-version:6.1
import PackageDescription

let package = Package(
  name: "embcompress",
  products: [
    .executable(name: "embcompress", targets: ["EmbCompressCLI"]),
    .library(name: "EmbCompress", targets: ["EmbCompress"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
  ],
  targets: [
    .systemLibrary(
      name: "CHDF5",
      pkgConfig: "hdf5",
      providers: [.apt(["libhdf5-dev"])]
    ),
    .systemLibrary(
      name: "COpenBLAS",
      pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev"])]
    ),
    // The fits' innermost loops in C, so they can run as AVX2 + FMA where the CPU has it.
    .target(name: "CKernels"),
    .target(
      name: "EmbCompress",
      dependencies: [
        "CKernels",
        "CHDF5",
        "COpenBLAS",
        .product(name: "Crypto", package: "swift-crypto"),
      ]
    ),
    .executableTarget(
      name: "EmbCompressCLI",
      dependencies: [
        "EmbCompress",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // scripts/bench's in-process measurements (pass timings, streaming-sum bound, read path).
    .executableTarget(
      name: "embcompress-bench",
      dependencies: ["EmbCompress"],
      path: "benchmarks/EmbCompressBench"
    ),
    .testTarget(
      name: "EmbCompressTests",
      // The CLI tests run the built `embcompress`; depending on it makes `swift test` build it.
      dependencies: ["EmbCompress", "EmbCompressCLI"]
    ),
  ],
  swiftLanguageModes: [.v6]
)
