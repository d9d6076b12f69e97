// swift-tools-version:6.0
import PackageDescription

// The Fluent oracle: runs the fixture migrations in Sources/OracleFixtures with the real FluentKit,
// FluentPostgresDriver and SQLKit against a real PostgreSQL, records the SQL they send, and checks
// that MigrationLint's Swift front end reads the same files as the same statements. A package of its
// own so that the main package never depends on Fluent.
let package = Package(
    name: "FluentOracle",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(url: "https://github.com/vapor/fluent-kit.git", exact: "1.57.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", exact: "2.14.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", exact: "3.36.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", exact: "1.33.2"),
        .package(name: "MigrationLint", path: "../.."),
    ],
    targets: [
        // libpg_query, to compare the two sides as parse trees.
        .systemLibrary(name: "CPgQueryOracle", providers: [.apt(["libpg-query-dev"])]),
        // The migrations, written as Vapor projects write them; their files are also read as text.
        .target(name: "OracleFixtures", dependencies: [
            .product(name: "FluentKit", package: "fluent-kit"),
            .product(name: "FluentSQL", package: "fluent-kit"),
            .product(name: "SQLKit", package: "sql-kit"),
        ]),
        .executableTarget(name: "FluentOracle", dependencies: [
            "OracleFixtures", "CPgQueryOracle",
            .product(name: "FluentKit", package: "fluent-kit"),
            .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "MigrationLint", package: "MigrationLint"),
        ]),
    ],
    swiftLanguageModes: [.v5]
)
