import Foundation

/// A dictionary whose copies share one append-only history.
///
/// The analyzer keeps the state before every statement, and that state holds what the file
/// created so far. With `Dictionary`, each statement that adds a name copied everything added
/// before it: 30,000 `CREATE INDEX` statements cost 450 million copied strings and 14 GB. Here a
/// copy is a reference to the history plus the number of writes it sees, so keeping a copy per
/// statement costs nothing and a write costs one entry.
///
/// A write through a copy that is not the latest (another copy wrote after it) first takes a
/// private history of what that copy sees, so copies never observe each other's writes.
public struct SnapshotMap<Key: Hashable & Sendable, Value: Sendable>: Sendable, ExpressibleByDictionaryLiteral, Sequence {
    // Internals are usable from inlinable code so that rules in other modules get code
    // specialized for their key and value types: unspecialized, every read went through
    // runtime metadata lookups.
    @usableFromInline final class History: @unchecked Sendable {
        // Copies of one state may be read on another thread after the analysis; every access
        // to the history is under this lock.
        @usableFromInline let lock = NSLock()
        /// Each key's place in `keys` and `writes`.
        @usableFromInline var slots: [Key: Int] = [:]
        /// Keys in the order of their first write, for iteration.
        @usableFromInline var keys: [Key] = []
        /// Per slot, the key's writes in increasing generation (nil: removed). Iteration walks
        /// these in order without hashing each key again: a DROP TABLE, which looks through
        /// every index of the file, cost a hash lookup per index before.
        @usableFromInline var writes: [[(generation: Int, value: Value?)]] = []
        /// Writes made so far, through any copy.
        @usableFromInline var generation = 0

        @usableFromInline init() {}
    }

    @usableFromInline var history: History
    /// Writes this copy sees.
    @usableFromInline var generation: Int
    public private(set) var count: Int

    public init() {
        history = History()
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
            history.lock.lock(); defer { history.lock.unlock() }
            return value(of: key)
        }
        set {
            history.lock.lock()
            if history.generation != generation {
                let visible = unlockedElements()
                history.lock.unlock()
                history = History()
                generation = 0
                count = 0
                history.lock.lock()
                for (k, v) in visible { write(k, v) }
            }
            write(key, newValue)
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
        history.lock.lock(); defer { history.lock.unlock() }
        return unlockedElements().makeIterator()
    }

    // Callers hold the lock.
    @inlinable func value(of key: Key) -> Value? {
        guard let slot = history.slots[key] else { return nil }
        return value(inSlot: slot)
    }

    @inlinable func value(inSlot slot: Int) -> Value? {
        let writes = history.writes[slot]
        var index = writes.count
        while index > 0 {
            index -= 1
            if writes[index].generation < generation { return writes[index].value }
        }
        return nil
    }

    @inlinable func unlockedElements() -> [(key: Key, value: Value)] {
        var elements: [(key: Key, value: Value)] = []
        elements.reserveCapacity(count)
        for (slot, key) in history.keys.enumerated() {
            if let value = value(inSlot: slot) { elements.append((key: key, value: value)) }
        }
        return elements
    }

    private mutating func write(_ key: Key, _ newValue: Value?) {
        if let slot = history.slots[key] {
            let wasPresent = value(inSlot: slot) != nil
            history.writes[slot].append((generation, newValue))
            count += (newValue != nil ? 1 : 0) - (wasPresent ? 1 : 0)
        } else {
            history.slots[key] = history.keys.count
            history.keys.append(key)
            history.writes.append([(generation, newValue)])
            count += newValue != nil ? 1 : 0
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
