import Foundation

/// A dictionary whose copies share one append-only history.
///
/// The analyzer keeps the state before every statement, and that state holds what the file
/// created so far. With `Dictionary`, each statement that adds a name copied everything added
/// before it: 30,000 `CREATE INDEX` statements cost 450 million copied strings and 14 GB. Here a
/// copy is a reference to the history plus the number of writes it sees, so keeping a copy per
/// statement costs nothing and a write costs one entry.
///
/// A write through a copy that is not the latest (another copy wrote after it) starts a history
/// of its own on top of what that copy sees, so copies never observe each other's writes. That
/// history reads through to the one it started from, so the fork costs nothing either: each file
/// of a project is linted from the schema its history left, and copying a schema of thousands of
/// columns for each of 1,400 files was most of the cost of linting with history.
public struct SnapshotMap<Key: Hashable & Sendable, Value: Sendable>: Sendable, ExpressibleByDictionaryLiteral, Sequence {
    // Internals are usable from inlinable code so that rules in other modules get code
    // specialized for their key and value types: unspecialized, every read went through
    // runtime metadata lookups.
    @usableFromInline final class History: @unchecked Sendable {
        // Copies of one state may be read on another thread after the analysis; every access
        // to the history is under this lock. A history is read under its own lock and then its
        // base's, never the other way, so the order of locks is always the same.
        @usableFromInline let lock = NSLock()
        /// Each key's place in `keys` and `writes`.
        @usableFromInline var slots: [Key: Int] = [:]
        /// Keys in the order of their first write, for iteration.
        @usableFromInline var keys: [Key] = []
        /// Per slot, the key's writes in increasing generation (nil: removed). Iteration walks
        /// these in order without hashing each key again: a DROP TABLE, which looks through
        /// every index of the file, cost a hash lookup per index before.
        @usableFromInline var writes: [[(generation: Int, value: Value?)]] = []
        /// Per slot, whether the key was present in the base when its slot was made.
        @usableFromInline var inBase: [Bool] = []
        /// Writes made so far, through any copy.
        @usableFromInline var generation = 0
        /// The state this history starts from: another history as one of its copies saw it.
        @usableFromInline let base: History?
        @usableFromInline let baseGeneration: Int
        /// How many bases lie below: reads walk them, so a deep chain is flattened instead.
        @usableFromInline let depth: Int

        @usableFromInline init(base: History? = nil, generation: Int = 0) {
            self.base = base
            baseGeneration = generation
            depth = base.map { $0.depth + 1 } ?? 0
        }

        /// The value of `key` for a copy that sees `seen` writes. Callers hold the lock.
        @inlinable func value(of key: Key, seen: Int) -> Value? {
            value(of: key, slot: slots[key], seen: seen)
        }

        /// `value(of:seen:)` with the key's slot already looked up (nil: the key has none here),
        /// so that a write does not hash its key twice. Callers hold the lock.
        @inlinable func value(of key: Key, slot: Int?, seen: Int) -> Value? {
            if let slot {
                let found = value(inSlot: slot, seen: seen)
                if found.written { return found.value }
            }
            return base?.lockedValue(of: key, seen: baseGeneration)
        }

        @inlinable func lockedValue(of key: Key, seen: Int) -> Value? {
            lock.lock(); defer { lock.unlock() }
            return value(of: key, seen: seen)
        }

        /// The slot's last write that a copy seeing `seen` writes sees, if any.
        @inlinable func value(inSlot slot: Int, seen: Int) -> (written: Bool, value: Value?) {
            let writes = self.writes[slot]
            var index = writes.count
            while index > 0 {
                index -= 1
                if writes[index].generation < seen { return (true, writes[index].value) }
            }
            return (false, nil)
        }

        /// The entries a copy seeing `seen` writes sees: the base's first, in their order, then
        /// the keys this history added. Callers hold the lock.
        @inlinable func elements(seen: Int, count: Int) -> [(key: Key, value: Value)] {
            var elements: [(key: Key, value: Value)] = []
            elements.reserveCapacity(count)
            if let base {
                base.lock.lock()
                let inherited = base.elements(seen: baseGeneration, count: count)
                base.lock.unlock()
                for entry in inherited {
                    guard let slot = slots[entry.key] else { elements.append(entry); continue }
                    let own = value(inSlot: slot, seen: seen)
                    if !own.written { elements.append(entry) } else if let value = own.value { elements.append((entry.key, value)) }
                }
            }
            for (slot, key) in keys.enumerated() where !inBase[slot] {
                if let value = value(inSlot: slot, seen: seen).value { elements.append((key: key, value: value)) }
            }
            return elements
        }
    }

    /// Nil until the first write: most maps of a file's state are never written, and a history
    /// is two allocations, itself and its lock (35,000 of each for the corpus).
    @usableFromInline var history: History?
    /// Writes this copy sees.
    @usableFromInline var generation: Int
    public private(set) var count: Int

    public init() {
        history = nil
        generation = 0
        count = 0
    }

    public init(dictionaryLiteral elements: (Key, Value)...) {
        self.init()
        for (key, value) in elements { self[key] = value }
    }

    @inlinable public var isEmpty: Bool { count == 0 }

    public subscript(key: Key) -> Value? {
        @inlinable get {
            guard let history else { return nil }
            history.lock.lock(); defer { history.lock.unlock() }
            return history.value(of: key, seen: generation)
        }
        set {
            guard var history else {
                // Removing from a map that never held anything changes nothing.
                guard newValue != nil else { return }
                let first = History()
                self.history = first
                first.lock.lock()
                write(key, newValue, into: first)
                first.lock.unlock()
                return
            }
            history.lock.lock()
            if history.generation != generation {
                let stale = history
                // A copy of a copy of a copy... is flattened instead, so that reads stay short.
                let flattened = stale.depth < 4 ? nil : stale.elements(seen: generation, count: count)
                stale.lock.unlock()
                // A copy that sees nothing starts afresh: reading through to an empty history only
                // takes its lock, and every file linted alone, and every migration set replayed,
                // starts from the same empty catalog, so the threads waited on each other's reads
                // of it (docs/benchmarks.md, "The seventh session").
                history = flattened == nil && count > 0 ? History(base: stale, generation: generation) : History()
                self.history = history
                generation = 0
                if flattened != nil { count = 0 }
                history.lock.lock()
                for (k, v) in flattened ?? [] { write(k, v, into: history) }
            }
            write(key, newValue, into: history)
            history.lock.unlock()
        }
    }

    public subscript(key: Key, default defaultValue: @autoclosure () -> Value) -> Value {
        get { self[key] ?? defaultValue() }
        set { self[key] = newValue }
    }

    @discardableResult
    public mutating func removeValue(forKey key: Key) -> Value? {
        let old = self[key]
        if old != nil { self[key] = nil }
        return old
    }

    public var keys: [Key] { map(\.key) }
    public var values: [Value] { map(\.value) }

    /// The entries that satisfy `isIncluded`, as a map of their own (as `Dictionary.filter`).
    public func filter(_ isIncluded: ((key: Key, value: Value)) throws -> Bool) rethrows -> SnapshotMap {
        var result = SnapshotMap()
        for entry in self where try isIncluded(entry) { result[entry.key] = entry.value }
        return result
    }

    @inlinable public func makeIterator() -> Array<(key: Key, value: Value)>.Iterator {
        guard let history else { return [].makeIterator() }
        history.lock.lock(); defer { history.lock.unlock() }
        return history.elements(seen: generation, count: count).makeIterator()
    }

    // Callers hold the lock of `history`, this copy's history and the latest state of it.
    private mutating func write(_ key: Key, _ newValue: Value?, into history: History) {
        if let slot = history.slots[key] {
            let wasPresent = history.value(of: key, slot: slot, seen: generation) != nil
            history.writes[slot].append((generation, newValue))
            count += (newValue != nil ? 1 : 0) - (wasPresent ? 1 : 0)
        } else {
            let inBase = history.value(of: key, slot: nil, seen: generation) != nil
            history.slots[key] = history.keys.count
            history.keys.append(key)
            history.writes.append([(generation, newValue)])
            history.inBase.append(inBase)
            count += (newValue != nil ? 1 : 0) - (inBase ? 1 : 0)
        }
        generation += 1
        history.generation = generation
    }
}

/// A set with the sharing of `SnapshotMap`.
public struct SnapshotSet<Element: Hashable & Sendable>: Sendable, ExpressibleByArrayLiteral, Sequence {

    public init() {}

    public init(arrayLiteral elements: Element...) {
        for element in elements { insert(element) }
    }

    @usableFromInline var map = SnapshotMap<Element, Bool>()
    public var count: Int { map.count }
    @inlinable public var isEmpty: Bool { map.isEmpty }

    @inlinable public func contains(_ element: Element) -> Bool { map[element] != nil }

    @discardableResult
    public mutating func insert(_ element: Element) -> Bool {
        guard !contains(element) else { return false }
        map[element] = true
        return true
    }

    @discardableResult
    public mutating func remove(_ element: Element) -> Element? {
        guard contains(element) else { return nil }
        map[element] = nil
        return element
    }

    public func makeIterator() -> Array<Element>.Iterator {
        map.map(\.key).makeIterator()
    }
}

extension SnapshotMap: Equatable where Value: Equatable {
    public static func == (lhs: SnapshotMap, rhs: SnapshotMap) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return lhs.allSatisfy { rhs[$0.key] == $0.value }
    }
}

extension SnapshotSet: Equatable {
    public static func == (lhs: SnapshotSet, rhs: SnapshotSet) -> Bool {
        lhs.count == rhs.count && lhs.allSatisfy(rhs.contains)
    }
}
