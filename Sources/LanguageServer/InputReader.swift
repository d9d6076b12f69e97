import Foundation

/// Reads the input on a thread of its own and hands each message to the inbox, so that the
/// client's writes never wait for a lint.
final class InputReader: @unchecked Sendable {
    private let descriptor: Int32
    private let inbox: Inbox

    init(_ handle: FileHandle, inbox: Inbox) {
        descriptor = handle.fileDescriptor
        self.inbox = inbox
    }

    func start() {
        let thread = Thread { [self] in self.readAll() }
        thread.name = "migration-lint-lsp-reader"
        thread.start()
    }

    private func readAll() {
        var framer = MessageFramer()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            chunk.withUnsafeBytes { framer.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            while let item = framer.next() { inbox.put(item) }
        }
        inbox.put(.end)
    }
}
