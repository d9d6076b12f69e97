// swift-tools-version:6.0
import PackageDescription

// A package of its own so that a plain `swift build` of MigrationLint, the plugin and pre-commit
// never try to link libFuzzer. Build and run it with scripts/fuzz.sh.
let package = Package(
    name: "MigrationLintFuzz",
    dependencies: [
        .package(name: "MigrationLint", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "FuzzLint",
            dependencies: [.product(name: "MigrationLint", package: "MigrationLint")],
            swiftSettings: [
                // main.swift hands control to libFuzzer's driver (LLVMFuzzerRunDriver).
                .unsafeFlags(["-sanitize=fuzzer,address"]),
            ],
            linkerSettings: [.unsafeFlags(["-sanitize=fuzzer,address"])]
        ),
    ],
    swiftLanguageModes: [.v5]
)
