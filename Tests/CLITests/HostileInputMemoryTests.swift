import Foundation
import Testing
import TestSupport

/// The built `migration-lint` run on each hostile input in a process of its own, whose peak
/// resident memory is read when it is reaped (`MeasuredRun`).
@Suite(.enabled(if: python3IsOnPath, "python3 is not on PATH: it starts the measured process"))
struct HostileInputMemoryTests {
    struct Input: CustomTestStringConvertible, Sendable {
        var name: String
        var bytes: @Sendable () -> [UInt8]
        /// Bound on the child's peak resident memory, in MiB.
        var limit: Int
        /// A line the text output must hold: the input was linted, not just survived.
        var expected: String
        var testDescription: String { name }
    }

    static let inputs: [Input] = [
        // One 50 MB literal (as a data dump might hold) after an ordinary statement: the file,
        // its line table and one copy at most; never a copy per statement.
        Input(name: "a 50 MB statement", bytes: {
            Array("CREATE INDEX idx_a ON accounts (a);\nINSERT INTO blobs VALUES ('".utf8)
                + [UInt8](repeating: UInt8(ascii: "x"), count: 50 << 20) + Array("');\n".utf8)
        }, limit: 350, expected: "error[syntax-error]: "),
        Input(name: "100,000 statements", bytes: {
            Array((String(repeating: "SELECT 1;\n", count: 100_000) + "CREATE INDEX idx_last ON accounts (a);\n").utf8)
        }, limit: 300, expected: " --> hostile.sql:100001:8"),
        Input(name: "10,000 nested parentheses", bytes: {
            Array(("SELECT " + String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000) + ";\n").utf8)
        }, limit: 100, expected: "nested 10000 deep"),
        Input(name: "a million-term expression", bytes: {
            Array(("SELECT " + Array(repeating: "a", count: 1_000_000).joined(separator: "+") + ";\n").utf8)
        }, limit: 150, expected: "refuses more than 10000"),
        Input(name: "30,000 findings", bytes: {
            Array((0..<30_000).map { "CREATE INDEX idx_\($0) ON accounts (c\($0));\n" }.joined().utf8)
        }, limit: 300, expected: "30000 findings (30000 warnings) in 1 file; 1 file checked"),
    ]

    // Slow: the debug binary reads 50 MB and a million terms (45 s on two busy cores).
    @Test(.slow, arguments: inputs)
    func peakMemoryOfTheLintIsBounded(_ input: Input) throws {
        let sandbox = try Sandbox()
        try Data(input.bytes()).write(to: URL(fileURLWithPath: sandbox.path + "/hostile.sql"))
        let child = try MeasuredRun.run(["lint", "hostile.sql"], in: sandbox.path)
        #expect(child.status == 1, "\(input.name): exit \(child.status), \(child.stderr.prefix(500))")
        #expect(child.stdout.contains(input.expected), "\(input.name): output lacks \(input.expected)")
        print("\(input.name): peak RSS \(child.peakRSS >> 20) MiB (limit \(input.limit) MiB)")
        #expect(child.peakRSS < input.limit << 20, "\(input.name): peak RSS \(child.peakRSS >> 20) MiB, more than \(input.limit) MiB")
    }

    /// The measurement is the child's: linting one statement stays small while this process
    /// holds 300 MB (started directly, the child would report at least that).
    @Test func theMeasureIsTheChildsOwn() throws {
        let ballast = [UInt8](repeating: 1, count: 300 << 20) // written, so resident
        let sandbox = try Sandbox()
        try "CREATE INDEX idx_a ON accounts (a);\n".write(toFile: sandbox.path + "/small.sql", atomically: true, encoding: .utf8)
        let child = try withExtendedLifetime(ballast) { try MeasuredRun.run(["lint", "small.sql"], in: sandbox.path) }
        #expect(child.status == 1)
        #expect(child.stdout.contains("warning[create-index-concurrently]"))
        #expect(child.peakRSS > 1 << 20 && child.peakRSS < 100 << 20, "peak RSS \(child.peakRSS >> 20) MiB for one statement")
    }
}
