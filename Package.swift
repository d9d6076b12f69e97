// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "MigrationLint",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "migration-lint", targets: ["migration-lint"]),
        .library(name: "MigrationLint", targets: ["PostgresSyntax", "LockModel", "MigrationLint", "SwiftMigrations", "MigrationInput", "MigrationLintRules", "Reporters"]),
        // `swift package lint` in a package that depends on this one.
        .plugin(name: "MigrationLintPlugin", targets: ["MigrationLintPlugin"]),
    ],
    // `Database`: `snapshot`, `verify` and `lint --database-url`, through libpq (Debian:
    // libpq-dev). Off by default, so that the plugin and the pre-commit hook build without it:
    // `swift build --traits Database`.
    traits: [
        .trait(name: "Database", description: "Connect to PostgreSQL (libpq): snapshot, verify, lint --database-url"),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        // The Swift front end reads migrations written in Swift with the real Swift parser.
        .package(url: "https://github.com/swiftlang/swift-syntax", from: "602.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // libpg_query: PostgreSQL's own parser. Debian ships no pkg-config file for it.
        .systemLibrary(
            name: "CPgQuery",
            providers: [.apt(["libpg-query-dev"])]
        ),
        // libpg_query's protobuf structs, for a test only: the tool does not need libprotobuf-c-dev.
        .systemLibrary(
            name: "CPgQueryProtobuf",
            providers: [.apt(["libpg-query-dev", "libprotobuf-c-dev"])]
        ),
        // libpq, PostgreSQL's client library (Debian: libpq-dev), for the Database trait only.
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // Files to statements with byte ranges, then a typed syntax tree.
        .target(name: "PostgresSyntax", dependencies: ["CPgQuery"]),
        // What each statement locks, rewrites and scans, and the context built as a file is walked.
        .target(name: "LockModel", dependencies: ["PostgresSyntax"]),
        // The core: diagnostics, rule protocol, rule context, engine, suppressions, the
        // configuration model. Its input is `MigrationFile`: SQL, its transaction context and a
        // map back to the file the user wrote. It reads no file and never prints.
        .target(name: "MigrationLint", dependencies: ["PostgresSyntax", "LockModel"]),
        // The Swift front end: the SQL a Swift migration sends (raw SQL literals, SQLKit and
        // Fluent builders), each byte mapped back to the Swift file. SwiftParser only: no macros.
        .target(name: "SwiftMigrations", dependencies: [
            "MigrationLint", "PostgresSyntax",
            .product(name: "SwiftSyntax", package: "swift-syntax"),
            .product(name: "SwiftParser", package: "swift-syntax"),
        ]),
        // Front ends and the file system: discovery, reading, layouts, globbing, git,
        // configuration files, the runner that lints many files on all cores.
        .target(name: "MigrationInput", dependencies: [
            "MigrationLint", "LockModel", "PostgresSyntax", "SwiftMigrations",
            .product(name: "Yams", package: "Yams"),
        ]),
        // A PostgreSQL connection (libpq), the catalog snapshot and `verify`. Empty without the
        // Database trait: its sources are inside `#if Database`.
        .target(name: "MigrationDatabase", dependencies: [
            "MigrationLint", "LockModel", "PostgresSyntax",
            .target(name: "CLibPQ", condition: .when(traits: ["Database"])),
        ]),
        // One rule per file.
        .target(name: "MigrationLintRules", dependencies: ["MigrationLint", "PostgresSyntax", "LockModel"], path: "Rules"),
        // Findings to text, gcc, json and the CI formats.
        .target(name: "Reporters", dependencies: ["MigrationLint", "LockModel", "PostgresSyntax"]),
        // `migration-lint lsp`: the Language Server Protocol over stdio, JSON-RPC on Foundation alone.
        .target(name: "LanguageServer", dependencies: ["MigrationLint", "MigrationInput", "MigrationLintRules", "Reporters",
                                                       "LockModel", "PostgresSyntax"]),
        .testTarget(name: "SwiftMigrationsTests", dependencies: ["SwiftMigrations", "MigrationLint", "MigrationInput", "MigrationLintRules", "Reporters", "PostgresSyntax", "TestSupport"]),
        // Named like its product: a plugin reaches a tool of its own package by the target's name.
        .executableTarget(name: "migration-lint", dependencies: [
                              "MigrationLint", "MigrationInput", "MigrationLintRules", "Reporters", "LanguageServer", "LockModel",
                              .target(name: "MigrationDatabase", condition: .when(traits: ["Database"])),
                              .product(name: "ArgumentParser", package: "swift-argument-parser"),
                          ],
                          path: "Sources/MigrationLintCLI"),
        // No declared permission: linting is read-only and must not ask. `--fix` uses the write
        // access SwiftPM grants with --allow-writing-to-package-directory.
        .plugin(
            name: "MigrationLintPlugin",
            capability: .command(intent: .custom(
                verb: "lint",
                description: "Lint the package's migrations: SQL files (Migrations/, migrations/, db/migrations/, Sources/*/Migrations/) and Swift migrations (Fluent, SQLKit, PostgresNIO) in its targets, or --path")),
            dependencies: ["migration-lint"]),
        // For the tests: where the shared corpora are, the slow-test switch, golden files.
        .target(name: "TestSupport", dependencies: ["Reporters"], path: "Tests/TestSupport"),
        // CPgQuery and CPgQueryProtobuf: the lexer is tested against libpg_query's own scanner.
        .testTarget(name: "PostgresSyntaxTests", dependencies: ["PostgresSyntax", "CPgQuery", "CPgQueryProtobuf", "TestSupport"]),
        .testTarget(name: "LockModelTests", dependencies: ["LockModel", "PostgresSyntax"]),
        // End-to-end: runs the built `migration-lint` binary as a user would.
        // Database*Tests (the Database trait) run against the server of scripts/pg-test-server.sh.
        .testTarget(name: "CLITests", dependencies: ["migration-lint", "MigrationLint", "MigrationInput", "MigrationLintRules", "TestSupport",
                                                     .target(name: "MigrationDatabase", condition: .when(traits: ["Database"]))]),
        .testTarget(name: "MigrationLintTests", dependencies: ["MigrationLint", "MigrationInput", "MigrationLintRules", "Reporters", "TestSupport"]),
        // Real counterparts: git, SwiftPM (plugin), pre-commit. Needs the built `migration-lint`.
        .testTarget(name: "IntegrationTests", dependencies: ["MigrationLint", "MigrationInput", .product(name: "Yams", package: "Yams"), "TestSupport"]),
        .testTarget(name: "LanguageServerTests", dependencies: ["LanguageServer"]),
        .testTarget(name: "ReportersTests", dependencies: ["Reporters", "MigrationLint", "MigrationInput", "MigrationLintRules", "LockModel", "PostgresSyntax", "TestSupport"]),
    ],
    swiftLanguageModes: [.v5]
)
