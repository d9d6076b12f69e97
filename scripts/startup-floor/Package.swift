// swift-tools-version:5.9
// Two programs that measure what one small file's run costs before any linting (the start-up
// floor of scripts/bench.sh): `floor` reads the file and writes "[]", the Swift runtime's start
// and exit alone; `argparser` does the same after parsing the `lint` command's own options with
// ArgumentParser, the version migration-lint uses.
import PackageDescription

let package = Package(
    name: "startup-floor",
    dependencies: [.package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2")],
    targets: [
        .executableTarget(name: "floor"),
        .executableTarget(name: "argparser", dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser")]),
    ]
)
