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

    @Test func aMapNeverWrittenHoldsNoHistory() {
        var map = SnapshotMap<String, Int>()
        map["a"] = nil // removing what is not there changes nothing
        map.removeValue(forKey: "b")
        #expect(map.history == nil && map.isEmpty && map["a"] == nil && Array(map).isEmpty)
        var set: SnapshotSet<String> = []
        #expect(set.map.history == nil && !set.contains("x"))
        set.insert("x")
        #expect(set.map.history != nil && set.contains("x") && set.count == 1)
    }

    @Test func copiesOfAnEmptyMapShareNothingOnceWritten() {
        // Every file linted alone starts from one empty catalog: each copy's first write gives it
        // a history of its own, with no base whose lock the other threads' reads would take.
        let empty: SnapshotMap<String, Int> = [:]
        var first = empty, second = empty, third = empty
        first["a"] = 1 // the latest copy: written in place
        second["b"] = 2
        third["a"] = 3
        #expect(second.history?.base == nil && third.history?.base == nil)
        #expect(first["a"] == 1 && first["b"] == nil && first.count == 1)
        #expect(second["a"] == nil && second["b"] == 2 && second.count == 1)
        #expect(third["a"] == 3 && third["b"] == nil && third.count == 1)
        #expect(empty["a"] == nil && empty.isEmpty)
        // A copy that sees entries still reads through to them.
        var fourth = first
        first["c"] = 4
        fourth["d"] = 5
        #expect(fourth.history?.base != nil && fourth["a"] == 1 && fourth["c"] == nil && fourth.count == 2)
    }

    @Test func aForkReadsThroughToWhatItSawAndHidesWhatItRemoved() {
        var map: SnapshotMap<String, Int> = ["a": 1, "b": 2, "c": 3]
        var fork = map
        map["d"] = 4 // the fork is stale now: its next write starts a history on top of this one
        fork["b"] = nil
        fork["e"] = 5
        fork["a"] = 10
        #expect(fork["a"] == 10 && fork["b"] == nil && fork["c"] == 3 && fork["d"] == nil && fork["e"] == 5)
        #expect(fork.count == 3)
        #expect(fork.map(\.key) == ["a", "c", "e"] && fork.map(\.value) == [10, 3, 5])
        #expect(map.map(\.key) == ["a", "b", "c", "d"] && map.count == 4 && map["a"] == 1)
        let before = fork
        fork["b"] = 20 // a key the fork removed comes back, in the base's place
        #expect(fork.map(\.key) == ["a", "b", "c", "e"] && fork.count == 4)
        #expect(before["b"] == nil && before.count == 3)
    }

    @Test func forksOfForksStayCorrectWhenTheChainIsFlattened() {
        var reference: [String: Int] = [:]
        var map: SnapshotMap<String, Int> = [:]
        var keep: [SnapshotMap<String, Int>] = []
        for round in 0..<12 {
            let stale = map
            keep.append(map)
            map["r\(round)"] = round // `stale` is behind `map` now
            var fork = stale
            fork["f\(round)"] = -round
            if round % 3 == 0 { fork["r0"] = nil }
            // Carry on from the fork: each round forks the previous fork.
            map = fork
            reference["f\(round)"] = -round
            if round % 3 == 0 { reference["r0"] = nil }
        }
        #expect(Dictionary(uniqueKeysWithValues: map.map { ($0.key, $0.value) }) == reference)
        #expect(map.count == reference.count)
        #expect(keep[0].isEmpty && keep[5].count == 5)
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
