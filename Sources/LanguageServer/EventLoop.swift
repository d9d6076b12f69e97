import Foundation

/// Messages read from the client, queued for the server thread, which handles them one at a
/// time and in order, and wakes up when a debounced lint falls due.
final class Inbox: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [Incoming] = []
    private var head = 0

    func put(_ item: Incoming) {
        condition.lock()
        queue.append(item)
        condition.signal()
        condition.unlock()
    }

    /// The next message, or nil once `deadline` passes with nothing to read.
    func take(before deadline: Date?) -> Incoming? {
        condition.lock()
        defer { condition.unlock() }
        while head == queue.count {
            if let deadline {
                if !condition.wait(until: deadline) && head == queue.count { return nil }
            } else {
                condition.wait()
            }
        }
        let item = queue[head]
        head += 1
        if head > 64, head * 2 > queue.count {
            queue.removeFirst(head)
            head = 0
        }
        return item
    }

    /// True when a message waits: the server reads every queued change before linting.
    var hasPending: Bool {
        condition.lock()
        defer { condition.unlock() }
        return head < queue.count
    }
}

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
