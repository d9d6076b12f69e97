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
        let folder = Self.folder(of: path)
        switch layout {
        case .prisma, .diesel:
            let fileName = Self.fileName(of: path)
            let root = Self.folder(of: folder)
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
        let folder = Self.folder(of: path)
        switch layout {
        case .prisma, .diesel: return Self.folder(of: folder) + "/*/" + Self.fileName(of: path)
        case .sqitch: return "sqitch:" + folder
        // Every folder layout but Flyway's applies the folder's files in one order: a plain
        // `0039_x.sql` among golang-migrate pairs is in their set, which is replayed once (the
        // corpus replayed harness's folder twice, once per layout).
        case .flyway: return "flyway:" + folder
        default: return "folder:" + folder
        }
    }

    /// File names in the order the layout applies them: by version for golang-migrate, goose,
    /// dbmate and plain numbered files (`2_x` before `10_x`), Flyway's versioned migrations by
    /// version with the repeatable ones (`R__`) after them.
    public static func ordered(_ paths: [String], layout: MigrationLayout) -> [String] {
        // Each file name is cut out once, as bytes: Foundation's `lastPathComponent` walks the
        // whole path by characters, and calling it in the comparison cost 0.2 s of CPU for the
        // corpus; copying both names' bytes in each comparison was still 0.7 of the history's
        // set listing.
        let named = paths.map { (path: $0, name: Array(fileName(of: $0).utf8)) }
        func before(_ a: (path: String, name: [UInt8]), _ b: (path: String, name: [UInt8])) -> Bool {
            let order = numericOrder(a.name, b.name)
            return order == 0 ? a.path < b.path : order < 0
        }
        guard layout == .flyway else { return named.sorted(by: before).map(\.path) }
        let repeatable = { (file: (path: String, name: [UInt8])) in file.name.first == UInt8(ascii: "R") }
        return (named.filter { !repeatable($0) }.sorted(by: before) + named.filter(repeatable).sorted(by: before)).map(\.path)
    }

    /// Compares file names as Foundation's `.numeric` option does (digit runs by their value,
    /// `2_x` before `10_x`, everything else byte by byte): negative, zero or positive. Foundation's
    /// comparison went through `NSString` for each pair, a tenth of the time of one file's lint
    /// after a 1,500-file history.
    static func numericOrder(_ x: [UInt8], _ y: [UInt8]) -> Int {
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        var i = 0, j = 0
        while i < x.count, j < y.count {
            guard isDigit(x[i]), isDigit(y[j]) else {
                if x[i] != y[j] { return Int(x[i]) - Int(y[j]) }
                i += 1; j += 1
                continue
            }
            // Two digit runs: by value, that is without leading zeros, by length, then by digits.
            var runX = i, runY = j
            while runX < x.count, isDigit(x[runX]) { runX += 1 }
            while runY < y.count, isDigit(y[runY]) { runY += 1 }
            var startX = i, startY = j
            while startX < runX - 1, x[startX] == UInt8(ascii: "0") { startX += 1 }
            while startY < runY - 1, y[startY] == UInt8(ascii: "0") { startY += 1 }
            if runX - startX != runY - startY { return (runX - startX) - (runY - startY) }
            for (p, q) in zip(x[startX..<runX], y[startY..<runY]) where p != q { return Int(p) - Int(q) }
            i = runX; j = runY
        }
        return (x.count - i) - (y.count - j)
    }

    /// A Sqitch project's deploy scripts in the order of its `sqitch.plan` (next to `deploy/`);
    /// nil without a plan.
    static func sqitchMembers(of path: String) -> [String]? {
        var deploy = Self.folder(of: path)
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
        entries(of: folder).filter { $0.name.hasSuffix(".sql") && $0.isDirectory == false }.map { join(folder, $0.name) }
    }

    static func subfolders(of folder: String) -> [String] {
        entries(of: folder).filter { $0.isDirectory == true }.map(\.name).sorted()
    }

    /// The names in `folder`, each with whether it is a folder (nil: it is gone): as the listing
    /// itself says (`d_type`), asked of the file system (`stat`, which follows a link) only when
    /// the listing does not say. Prisma's set of trigger.dev was its 830 names, then a `stat` of
    /// each to find the folders among them.
    static func entries(of folder: String) -> [(name: String, isDirectory: Bool?)] {
        guard let directory = opendir(folder.isEmpty ? "." : folder) else { return [] }
        defer { closedir(directory) }
        var entries: [(name: String, isDirectory: Bool?)] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            guard name != ".", name != ".." else { continue }
            switch Int(entry.pointee.d_type) {
            case Int(DT_DIR): entries.append((name, true))
            case Int(DT_REG): entries.append((name, false))
            default: entries.append((name, FileDiscovery.isDirectory(join(folder, name))))
            }
        }
        return entries
    }

    /// The folder part of a file's path, cut as text (`NSString.deletingLastPathComponent` walks
    /// the path by characters): "" for a bare file name, "/" for a file at the root.
    static func folder(of path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "" }
        return slash == path.utf8.startIndex ? "/" : String(path[..<slash])
    }

    /// The file name of a path: what follows its last slash.
    static func fileName(of path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return path }
        return String(path[path.utf8.index(after: slash)...])
    }

    static func join(_ folder: String, _ name: String) -> String {
        folder.isEmpty ? name : folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }
}
