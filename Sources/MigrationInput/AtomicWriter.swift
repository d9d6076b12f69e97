import Foundation
import MigrationLint

/// Writes a file atomically: a temporary file in the same folder, then a rename, so that a
/// crash or a failure leaves either the old file or the new one, never half of one.
public struct AtomicWriter: Sendable {
    /// Called after the temporary file is written and before the rename; tests use it to
    /// interrupt the write.
    public var beforeRename: @Sendable (String) throws -> Void

    public init(beforeRename: @escaping @Sendable (String) throws -> Void = { _ in }) {
        self.beforeRename = beforeRename
    }

    public func write(_ bytes: [UInt8], to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let temporary = directory + "/.\(url.lastPathComponent).migration-lint-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max)).tmp"
        let manager = FileManager.default
        let attributes = try? manager.attributesOfItem(atPath: path)
        guard manager.createFile(atPath: temporary, contents: Data(bytes),
                                 attributes: attributes?[.posixPermissions].map { [.posixPermissions: $0] }) else {
            throw InputError(path: path, message: "cannot write a temporary file in \(directory)")
        }
        do {
            try beforeRename(temporary)
            guard rename(temporary, path) == 0 else {
                throw InputError(path: path, message: "cannot replace the file: \(String(cString: strerror(errno)))")
            }
        } catch {
            try? manager.removeItem(atPath: temporary)
            throw error
        }
    }
}
