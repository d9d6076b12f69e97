import CPgQuery
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A bump allocator for protobuf-c's `unpack`: a parse tree is thousands of small blocks that
/// all die together once decoded, so they are carved from large chunks and released at once,
/// instead of a `malloc` each and a recursive `free_unpacked` walk (a fifth of parsing time).
struct UnpackArena {
    /// Chunks are linked through their first word; `cursor..<limit` is free in the newest one.
    private struct State {
        var newest: UnsafeMutableRawPointer?
        var cursor: UnsafeMutableRawPointer?
        var limit: UnsafeMutableRawPointer?
    }

    private static let chunkSize = 64 << 10
    private static let header = 16

    /// Runs `body` with an allocator for `unpack`; everything it allocated is freed afterwards,
    /// so nothing unpacked may escape `body`.
    static func with<T>(_ body: (UnsafeMutablePointer<ProtobufCAllocator>) -> T) -> T {
        var state = State()
        return withUnsafeMutablePointer(to: &state) { statePointer in
            var allocator = ProtobufCAllocator(alloc: { data, size in
                guard let state = data?.assumingMemoryBound(to: State.self) else { return nil }
                return UnpackArena.allocate(size, in: state)
            }, free: { _, _ in }, allocator_data: UnsafeMutableRawPointer(statePointer))
            defer {
                var chunk = statePointer.pointee.newest
                while let current = chunk {
                    chunk = current.load(as: UnsafeMutableRawPointer?.self)
                    free(current)
                }
            }
            return withUnsafeMutablePointer(to: &allocator) { body($0) }
        }
    }

    private static func allocate(_ size: Int, in state: UnsafeMutablePointer<State>) -> UnsafeMutableRawPointer? {
        let rounded = (size + 15) & ~15
        if let cursor = state.pointee.cursor, let limit = state.pointee.limit, cursor.distance(to: limit) >= rounded {
            state.pointee.cursor = cursor + rounded
            return cursor
        }
        let capacity = max(chunkSize, rounded + header)
        guard let chunk = malloc(capacity) else { return nil }
        chunk.storeBytes(of: state.pointee.newest, as: UnsafeMutableRawPointer?.self)
        state.pointee.newest = chunk
        state.pointee.cursor = chunk + header + rounded
        state.pointee.limit = chunk + capacity
        return chunk + header
    }
}
