import Foundation
import MigrationLint

/// Writes a file atomically: a temporary file in the same folder, flushed to the disk with
/// `fsync`, then a rename over the file (and an `fsync` of the folder, which makes the rename
/// itself durable), so that a crash or a failure leaves either the old file or the new one, never
/// half of one: without the first `fsync` a crash after the rename can leave an empty file.
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
        // The file keeps its permissions; a new one gets the usual 0666 less the umask.
        var existing = stat()
        let keepsMode = stat(path, &existing) == 0
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else {
            throw InputError(path: path, message: "cannot write a temporary file in \(directory): \(String(cString: strerror(errno)))")
        }
        do {
            defer { close(descriptor) }
            if keepsMode, fchmod(descriptor, existing.st_mode & 0o7777) != 0 { throw failure(path, "cannot set the permissions") }
            try writeAll(bytes, to: descriptor, path: path)
            if fsync(descriptor) != 0 { throw failure(path, "cannot flush the temporary file") }
        } catch {
            unlink(temporary)
            throw error
        }
        do {
            try beforeRename(temporary)
            guard rename(temporary, path) == 0 else { throw failure(path, "cannot replace the file") }
        } catch {
            unlink(temporary)
            throw error
        }
        let folder = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folder >= 0 {
            // The new contents are already in place; a folder that cannot be flushed changes nothing.
            _ = fsync(folder)
            close(folder)
        }
    }

    private func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws {
        try bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(descriptor, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw failure(path, "cannot write a temporary file")
                }
                offset += written
            }
        }
    }

    private func failure(_ path: String, _ what: String) -> InputError {
        InputError(path: path, message: "\(what): \(String(cString: strerror(errno)))")
    }
}
