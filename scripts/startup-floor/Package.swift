// swift-tools-version:5.9
// Three programs that measure what one small file's run costs before any linting (the start-up
// floor of scripts/bench.sh): `floor` reads the file and writes "[]", the Swift runtime's start
// and exit alone; `argparser` does the same after parsing the `lint` command's own options with
// ArgumentParser, the version migration-lint uses; `libraries` also links what every
// migration-lint links and does what every run does before its rules: looks for a YAML
// configuration (Foundation, Yams), reads the file (Foundation) and parses it (libpg_query).
import PackageDescription

let package = Package(
    name: "startup-floor",
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        .executableTarget(name: "floor"),
        // `lint`'s options, for the two programs that parse them.
        .target(name: "LintOptions", dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "argparser", dependencies: ["LintOptions", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        // Debian's libpg-query-dev ships no pkg-config file.
        .systemLibrary(name: "CPgQuery"),
        .executableTarget(name: "libraries", dependencies: [
            "LintOptions",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Yams", package: "Yams"),
            "CPgQuery",
        ]),
    ]
)
