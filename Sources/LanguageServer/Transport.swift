import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What the reader took from the input stream: a message, something that is not one, or the end.
enum Incoming: Sendable {
    case message(JSON)
    /// A body that is not JSON (`-32700`), or JSON that is not a JSON-RPC message (`-32600`).
    case malformed(code: Int, message: String, id: JSON)
    case end
}

/// Splits a byte stream into JSON-RPC messages framed by `Content-Length` headers (LSP's base
/// protocol). Only framing errors it cannot step over end the stream.
struct MessageFramer {
    /// Larger bodies are read and dropped, answered with an error: one message must not hold
    /// the server's memory hostage.
    static let maximumBodySize = 256 << 20

    private var buffer: [UInt8] = []
    private var start = 0
    /// The body still to be dropped of a message over the size limit.
    private var skipping = 0

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if start > 0, start > buffer.count / 2 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        if skipping > 0 {
            let dropped = min(skipping, bytes.count)
            skipping -= dropped
            buffer.append(contentsOf: bytes[dropped...])
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    /// The next complete message, nil when more input is needed.
    mutating func next() -> Incoming? {
        guard skipping == 0 else { return nil }
        guard let headerEnd = find([13, 10, 13, 10], from: start) else { return nil }
        let header = String(decoding: buffer[start..<headerEnd], as: UTF8.self)
        var length: Int?
        for line in header.split(separator: "\r\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            if parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "content-length" {
                length = Int(parts[1].trimmingCharacters(in: .whitespaces))
            }
        }
        let bodyStart = headerEnd + 4
        guard let length, length >= 0 else {
            // No length: the body cannot be found. Drop the header and read on.
            start = bodyStart
            return .malformed(code: -32700, message: "a header without a valid Content-Length", id: .null)
        }
        if length > Self.maximumBodySize {
            let available = buffer.count - bodyStart
            skipping = max(0, length - available)
            start = min(buffer.count, bodyStart + length)
            return .malformed(code: -32600, message: "a message of \(length) bytes, over the \(Self.maximumBodySize)-byte limit", id: .null)
        }
        guard buffer.count - bodyStart >= length else { return nil }
        let body = Array(buffer[bodyStart..<(bodyStart + length)])
        start = bodyStart + length
        let json: JSON
        do {
            json = try JSON.parse(body)
        } catch {
            return .malformed(code: -32700, message: "the message is not JSON", id: .null)
        }
        guard let members = json.object, members["jsonrpc"]?.string == "2.0",
              members["method"]?.string != nil || members["result"] != nil || members["error"] != nil else {
            return .malformed(code: -32600, message: "not a JSON-RPC 2.0 message", id: json["id"])
        }
        return .message(json)
    }

    private func find(_ pattern: [UInt8], from index: Int) -> Int? {
        guard buffer.count >= pattern.count else { return nil }
        var position = index
        while position + pattern.count <= buffer.count {
            if buffer[position] == pattern[0], buffer[position + 1] == pattern[1], buffer[position + 2] == pattern[2],
               buffer[position + 3] == pattern[3] {
                return position
            }
            position += 1
        }
        return nil
    }
}

/// Writes framed messages to the output, whole, one at a time.
final class MessageWriter: @unchecked Sendable {
    private let descriptor: Int32
    private let lock = NSLock()
    /// Set once a write fails (the client went away): later writes are dropped.
    private var broken = false

    init(_ handle: FileHandle) {
        descriptor = handle.fileDescriptor
    }

    func send(_ message: JSON) {
        let body = message.serializedBytes
        let bytes = Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body
        lock.lock()
        defer { lock.unlock() }
        guard !broken else { return }
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    broken = true
                    return
                }
                offset += written
            }
        }
    }
}
