// swift-tools-version:6.1
import PackageDescription

let package = Package(
  name: "embcompress",
  products: [
    .executable(name: "embcompress", targets: ["EmbCompressCLI"]),
    .library(name: "EmbCompress", targets: ["EmbCompress"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
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
    .target(
      name: "EmbCompress",
      dependencies: ["CHDF5", "COpenBLAS"]
    ),
    .executableTarget(
      name: "EmbCompressCLI",
      dependencies: [
        "EmbCompress",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .testTarget(
      name: "EmbCompressTests",
      dependencies: ["EmbCompress"]
    ),
    .testTarget(
      name: "EmbCompressCLITests",
      dependencies: ["EmbCompressCLI"]
    ),
  ],
  swiftLanguageModes: [.v6]
)
