import Foundation
import MigrationLint

/// Reads a snapshot file written by `migration-lint snapshot`.
public enum SnapshotFile {
    public static func load(path: String) throws -> DatabaseSnapshot {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(path: path, message: "cannot read the snapshot file")
        }
        do {
            return try DatabaseSnapshot.decode(data)
        } catch let problem as DatabaseSnapshot.DecodingProblem {
            throw InputError(path: path, message: problem.description)
        }
    }

    /// Applies a snapshot to a configuration: its facts, and its server's major version unless
    /// the configuration or the command line set one.
    public static func apply(_ snapshot: DatabaseSnapshot, to configuration: inout Configuration) {
        configuration.database = snapshot
        if !configuration.postgresVersionIsSet, Configuration.supportedPostgresVersions.contains(snapshot.serverMajorVersion) {
            configuration.postgresVersion = snapshot.serverMajorVersion
        }
    }
}
