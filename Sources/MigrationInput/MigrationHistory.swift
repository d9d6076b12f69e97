import Foundation
import MigrationLint

/// The migration set of a file and the order its migration tool applies the set: the history
/// that is replayed before the file is linted or explained.
///
/// The set is the file's folder (plain files, golang-migrate, goose, dbmate, Flyway), the
/// folders beside the file's folder (Prisma's `migrations/<name>/migration.sql`, diesel's
/// `migrations/<version>_<name>/up.sql`), or the `deploy/` folder of a Sqitch project in the order
/// of its `sqitch.plan`. Swift migrations are not part of a history yet.
public enum MigrationHistory {
    /// The members of the migration set of `path`, in the order they are applied; paths are
    /// spelled as `path` is (same folder prefix), so that `path` itself is among them.
    public static func members(of path: String, layout: MigrationLayout) -> [String] {
        let folder = (path as NSString).deletingLastPathComponent
        switch layout {
        case .prisma, .diesel:
            let fileName = (path as NSString).lastPathComponent
            let root = (folder as NSString).deletingLastPathComponent
            return subfolders(of: root).compactMap { name in
                let candidate = join(join(root, name), fileName)
                return FileManager.default.fileExists(atPath: candidate) ? candidate : nil
            }
        case .sqitch:
            return sqitchMembers(of: path) ?? ordered(sqlFiles(in: folder), layout: layout)
        default:
            return ordered(sqlFiles(in: folder), layout: layout)
        }
    }

    /// The folder that holds the migration set of `path` (with the file name, for layouts where
    /// each migration is a folder): files with the same key share one set, listed once.
    public static func setKey(of path: String, layout: MigrationLayout) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        switch layout {
        case .prisma, .diesel: return (folder as NSString).deletingLastPathComponent + "/*/" + (path as NSString).lastPathComponent
        case .sqitch: return "sqitch:" + folder
        default: return "\(layout.rawValue):" + folder
        }
    }

    /// File names in the order the layout applies them: by version for golang-migrate, goose,
    /// dbmate and plain numbered files (`2_x` before `10_x`), Flyway's versioned migrations by
    /// version with the repeatable ones (`R__`) after them.
    public static func ordered(_ paths: [String], layout: MigrationLayout) -> [String] {
        func name(_ path: String) -> String { (path as NSString).lastPathComponent }
        func before(_ a: String, _ b: String) -> Bool {
            let order = name(a).compare(name(b), options: [.numeric])
            return order == .orderedSame ? a < b : order == .orderedAscending
        }
        // Compared on precomputed names: a folder of 5,000 migrations is sorted once per run.
        guard layout == .flyway else { return paths.sorted(by: before) }
        let repeatable = { (path: String) in name(path).hasPrefix("R") }
        return paths.filter { !repeatable($0) }.sorted(by: before) + paths.filter(repeatable).sorted(by: before)
    }

    /// A Sqitch project's deploy scripts in the order of its `sqitch.plan` (next to `deploy/`);
    /// nil without a plan.
    static func sqitchMembers(of path: String) -> [String]? {
        var deploy = (path as NSString).deletingLastPathComponent
        while !deploy.isEmpty, (deploy as NSString).lastPathComponent != "deploy" {
            let parent = (deploy as NSString).deletingLastPathComponent
            if parent == deploy { return nil }
            deploy = parent
        }
        guard !deploy.isEmpty else { return nil }
        let root = (deploy as NSString).deletingLastPathComponent
        guard let plan = try? String(contentsOfFile: join(root, "sqitch.plan"), encoding: .utf8) else { return nil }
        var seen: Set<String> = []
        var members: [String] = []
        for line in plan.split(whereSeparator: \.isNewline) {
            // Pragmas (%), tags (@) and comments (#) are not changes.
            guard let first = line.first, !"%@#".contains(first), !first.isWhitespace else { continue }
            let change = String(line.prefix { !$0.isWhitespace })
            guard seen.insert(change).inserted else { continue }
            let candidate = join(deploy, change + ".sql")
            if FileManager.default.fileExists(atPath: candidate) { members.append(candidate) }
        }
        return members
    }

    static func sqlFiles(in folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder)) ?? []
        return names.filter { $0.hasSuffix(".sql") }.map { join(folder, $0) }
            .filter { FileDiscovery.isDirectory($0) == false }
    }

    static func subfolders(of folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder)) ?? []
        return names.filter { FileDiscovery.isDirectory(join(folder, $0)) == true }.sorted()
    }

    static func join(_ folder: String, _ name: String) -> String {
        folder.isEmpty ? name : folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }
}
