// swift-tools-version: 6.0
// Polyglot: a notebook-style REPL for multilingual instruction-tuning experiments.
// Layers (data flows one way): polyglot (CLI/REPL) → PolyglotLang (notebook language)
// → PolyglotLab (the study's method) and PolyglotServe (OpenAI-compatible API) → PolyglotEngine.
import PackageDescription

let package = Package(
    name: "Polyglot",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "polyglot", targets: ["polyglot"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0")
    ],
    targets: [
        // OpenBLAS is loaded at run time (dlopen) so the engine pins its kernel set: see openblas_loader.c.
        .target(name: "COpenBLAS", linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),
        .systemLibrary(
            name: "CEditline", path: "Sources/CEditline", pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]),
        .target(name: "PolyglotEngine", dependencies: ["COpenBLAS"]),
        .target(
            name: "PolyglotLab",
            dependencies: ["PolyglotEngine", .product(name: "AsyncHTTPClient", package: "async-http-client")]),
        .target(
            name: "PolyglotServe",
            dependencies: [
                "PolyglotLab", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log")
            ]),
        // stdlib/*.pg is compiled into PolyglotLang (Stdlib.embedded), so an installed binary needs no checkout.
        .executableTarget(name: "StdlibSourceGenerator"),
        .plugin(name: "EmbedStdlib", capability: .buildTool(), dependencies: ["StdlibSourceGenerator"]),
        .target(name: "PolyglotLang", dependencies: ["PolyglotLab", "PolyglotServe"], plugins: ["EmbedStdlib"]),
        // Seeded mutation fuzzing of every input format, run by `polyglot fuzz` in isolated worker processes.
        .target(name: "PolyglotFuzz", dependencies: ["PolyglotLang", "PolyglotServe", "PolyglotLab", "PolyglotEngine"]),
        .executableTarget(
            name: "polyglot",
            dependencies: [
                "PolyglotLang", "PolyglotServe", "PolyglotFuzz", "CEditline",
                .product(name: "ArgumentParser", package: "swift-argument-parser")
            ]),
        .testTarget(name: "PolyglotEngineTests", dependencies: ["PolyglotEngine"]),
        .testTarget(
            name: "PolyglotLabTests",
            dependencies: ["PolyglotLab", .product(name: "Hummingbird", package: "hummingbird")],
            exclude: ["Golden"]),
        .testTarget(
            name: "PolyglotServeTests",
            dependencies: [
                "PolyglotServe", "PolyglotLab", "PolyglotEngine", .product(name: "Logging", package: "swift-log")
            ]),
        .testTarget(name: "PolyglotLangTests", dependencies: ["PolyglotLang"]),
        .testTarget(name: "PolyglotCLITests", dependencies: ["polyglot", "PolyglotEngine"])
    ],
    swiftLanguageModes: [.v5]
)
