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
