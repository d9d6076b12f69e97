import Testing
@testable import LockModel

@Suite struct SnapshotMapTests {
    @Test func copiesKeepWhatTheySawWhileTheLatestGrows() {
        var map: SnapshotMap<String, Int> = [:]
        map["a"] = 1
        let first = map
        map["b"] = 2
        map["a"] = 10
        let second = map
        map["a"] = nil
        #expect(first["a"] == 1 && first["b"] == nil && first.count == 1)
        #expect(second["a"] == 10 && second["b"] == 2 && second.count == 2)
        #expect(map["a"] == nil && map["b"] == 2 && map.count == 1)
        #expect(Dictionary(uniqueKeysWithValues: second.map { ($0.key, $0.value) }) == ["a": 10, "b": 2])
    }

    @Test func writingThroughAnOldCopyNeverShowsInOtherCopies() {
        var map: SnapshotMap<String, Int> = ["a": 1]
        var old = map
        map["b"] = 2
        old["c"] = 3 // `old` is no longer the latest: it takes a history of its own
        #expect(old["b"] == nil && old["c"] == 3 && old["a"] == 1)
        #expect(map["c"] == nil && map["b"] == 2)
        map["d"] = 4
        #expect(old["d"] == nil)
    }

    @Test func setsAndDefaults() {
        var set: SnapshotSet<String> = []
        let first = set.insert("x")
        let second = set.insert("x")
        #expect(first && !second)
        let before = set
        set.remove("x")
        #expect(before.contains("x") && !set.contains("x") && set.isEmpty)
        var checks: SnapshotMap<String, Set<String>> = [:]
        checks["t", default: []].insert("a")
        checks["t", default: []].insert("b")
        #expect(checks["t"] == ["a", "b"])
    }

    @Test func dictionaryOperationsTheSchemaCatalogUses() {
        var map: SnapshotMap<String, String> = ["i1": "t", "i2": "u", "i3": "t"]
        let before = map
        #expect(map.removeValue(forKey: "i2") == "u")
        #expect(map.removeValue(forKey: "missing") == nil)
        #expect(Set(map.values) == ["t"])
        let kept = map.filter { $0.key != "i1" }
        #expect(kept == ["i3": "t"])
        #expect(before == ["i1": "t", "i2": "u", "i3": "t"])
        #expect(before != map)
        let a: SnapshotSet<String> = ["x", "y"], b: SnapshotSet<String> = ["y", "x"]
        #expect(a == b)
    }

    @Test func keepingAStatePerStatementStaysLinear() {
        // 50,000 snapshots of a growing set: with Set this copied 1.25 billion strings.
        var state = AnalysisState(settings: RunSettings())
        var snapshots: [AnalysisState] = []
        snapshots.reserveCapacity(50_000)
        for index in 0..<50_000 {
            snapshots.append(state)
            state.createdInFile.insert("public.idx_\(index)")
        }
        #expect(!snapshots[10].createdInFile.contains("public.idx_10"))
        #expect(snapshots[11].createdInFile.contains("public.idx_10"))
        #expect(state.createdInFile.count == 50_000)
    }
}
