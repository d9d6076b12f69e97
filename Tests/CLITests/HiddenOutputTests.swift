import Testing

/// What `lint` prints for DO blocks, a called function and a Flyway placeholder: positions
/// inside dollar-quoted bodies, the notes that say where each statement runs.
@Suite struct HiddenOutputTests {
    @Test func textOutputOfHiddenSQLMatchesTheGoldenFile() throws {
        let result = try CLI.run(["lint", "--color", "never", "Fixtures/hidden"])
        #expect(result.status == 1)
        let golden = try String(contentsOfFile: CLI.packageRoot + "/Fixtures/golden/lint/hidden.txt", encoding: .utf8)
        #expect(result.stdout == golden)
    }
}
