// swift-tools-version: 6.0
// Polyglot: a notebook-style REPL for multilingual instruction-tuning experiments.
// Layers (data flows one way): polyglot (CLI/REPL) → PolyglotLang (notebook language)
// → PolyglotLab (the study's method) → PolyglotEngine (tensors, models, tokenizer).
import PackageDescription

let package = Package(
    name: "Polyglot",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "polyglot", targets: ["polyglot"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CEditline", path: "Sources/CEditline", pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]),
        .target(name: "PolyglotEngine", dependencies: ["CBLAS"]),
        .target(name: "PolyglotLab", dependencies: ["PolyglotEngine"]),
        .target(name: "PolyglotLang", dependencies: ["PolyglotLab", "PolyglotServe"]),
        .target(
            name: "PolyglotServe",
            dependencies: ["PolyglotLab", .product(name: "Hummingbird", package: "hummingbird")]),
        .executableTarget(
            name: "polyglot",
            dependencies: [
                "PolyglotLang", "PolyglotServe", "CEditline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(name: "PolyglotEngineTests", dependencies: ["PolyglotEngine"]),
        .testTarget(name: "PolyglotLabTests", dependencies: ["PolyglotLab"], exclude: ["Golden"]),
        .testTarget(name: "PolyglotLangTests", dependencies: ["PolyglotLang"]),
        .testTarget(name: "PolyglotServeTests", dependencies: ["PolyglotServe", "PolyglotLab", "PolyglotEngine"]),
        .testTarget(name: "PolyglotCLITests", dependencies: ["polyglot"]),
    ],
    swiftLanguageModes: [.v5]
)
