// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "MigrationLint",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "migration-lint", targets: ["MigrationLintCLI"]),
        .library(name: "MigrationLint", targets: ["PostgresSyntax", "LockModel", "MigrationLint", "MigrationLintRules", "Reporters"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // libpg_query: PostgreSQL's own parser. Debian ships no pkg-config file for it.
        .systemLibrary(
            name: "CPgQuery",
            providers: [.apt(["libpg-query-dev", "libprotobuf-c-dev"])]
        ),
        // Files to statements with byte ranges, then a typed syntax tree.
        .target(name: "PostgresSyntax", dependencies: ["CPgQuery"]),
        // What each statement locks, rewrites and scans, and the context built as a file is walked.
        .target(name: "LockModel", dependencies: ["PostgresSyntax"]),
        // Diagnostics, rule protocol, analysis context, engine, configuration, suppressions.
        .target(name: "MigrationLint", dependencies: [
            "PostgresSyntax", "LockModel",
            .product(name: "Yams", package: "Yams"),
        ]),
        // One rule per file.
        .target(name: "MigrationLintRules", dependencies: ["MigrationLint", "PostgresSyntax", "LockModel"], path: "Rules"),
        // Findings to text, gcc, json and the CI formats.
        .target(name: "Reporters", dependencies: ["MigrationLint", "LockModel", "PostgresSyntax"]),
        .executableTarget(name: "MigrationLintCLI", dependencies: [
            "MigrationLint", "MigrationLintRules", "Reporters",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "PostgresSyntaxTests", dependencies: ["PostgresSyntax"]),
        .testTarget(name: "LockModelTests", dependencies: ["LockModel", "PostgresSyntax"]),
        .testTarget(name: "ReportersTests", dependencies: ["Reporters", "LockModel", "PostgresSyntax"]),
        .testTarget(name: "MigrationLintTests", dependencies: ["MigrationLint", "MigrationLintRules", "Reporters"]),
    ],
    swiftLanguageModes: [.v5]
)
