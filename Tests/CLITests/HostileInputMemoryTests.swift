import Foundation
import Testing
import TestSupport

/// The built `migration-lint` run on each hostile input in a process of its own, whose peak
/// resident memory is read when it is reaped (`wait4`). Read in this test process, the peak would
/// be whatever any test running in parallel had reached.
///
/// It is not started by this process directly: Linux carries the parent's memory over into a
/// child's `ru_maxrss` (at `exec`, from the memory it was forked or vforked with), so a child of a
/// test process holding 500 MB reports 500 MB for `/bin/true`. A small python3 starts it and
/// reports the rusage of its own child instead.
@Suite(.enabled(if: python3IsOnPath, "python3 is not on PATH: it starts the measured process"))
struct HostileInputMemoryTests {
    struct Child {
        var status: Int32
        /// Peak resident set of the child alone, in bytes.
        var peakRSS: Int
        var stdout: String
        var stderr: String
    }

    static let launcher = """
        import os, sys
        pid = os.posix_spawn(sys.argv[2], sys.argv[2:], dict(os.environ, NO_COLOR="1"))
        _, status, usage = os.wait4(pid, 0)
        with open(sys.argv[1], "w") as report:
            report.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss}\\n")
        """

    /// Runs `migration-lint` with `arguments` in `directory`, output to files.
    static func measure(_ arguments: [String], in directory: String) throws -> Child {
        let report = directory + "/rusage.txt"
        let output = try ChildProcess.run("/usr/bin/env", ["python3", "-c", launcher, report, CLI.binary] + arguments,
                                          in: URL(fileURLWithPath: directory))
        let fields = ((try? String(contentsOfFile: report, encoding: .utf8)) ?? "").split(separator: " ")
        guard output.status == 0, fields.count == 2, let status = Int32(fields[0]),
              let kibibytes = Int(fields[1].trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw SpawnFailed(description: "the launcher failed (exit \(output.status)): \(output.stderr.prefix(2000))")
        }
        // ru_maxrss is in KiB on Linux.
        return Child(status: status, peakRSS: kibibytes * 1024, stdout: output.stdout, stderr: output.stderr)
    }

    struct SpawnFailed: Error, CustomStringConvertible { var description: String }

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
        let child = try Self.measure(["lint", "hostile.sql"], in: sandbox.path)
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
        let child = try withExtendedLifetime(ballast) { try Self.measure(["lint", "small.sql"], in: sandbox.path) }
        #expect(child.status == 1)
        #expect(child.stdout.contains("warning[create-index-concurrently]"))
        #expect(child.peakRSS > 1 << 20 && child.peakRSS < 100 << 20, "peak RSS \(child.peakRSS >> 20) MiB for one statement")
    }
}

/// python3 starts a process whose own peak memory a test measures.
let python3IsOnPath = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
    .contains { FileManager.default.isExecutableFile(atPath: "\($0)/python3") }
