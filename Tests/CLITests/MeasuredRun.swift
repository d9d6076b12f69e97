import Foundation
import TestSupport

/// The built `migration-lint` run in a process of its own, whose peak resident memory is read when
/// it is reaped (`wait4`). Read in the test process, the peak would be whatever any test running
/// in parallel had reached. Unlike a time limit, a busy machine does not change it.
///
/// It is not started by the test process directly: Linux carries the parent's memory over into a
/// child's `ru_maxrss` (at `exec`, from the memory it was forked or vforked with), so a child of a
/// test process holding 500 MB reports 500 MB for `/bin/true`. A small python3 starts it and
/// reports the rusage of its own child instead.
struct MeasuredRun {
    var status: Int32
    /// Peak resident set of the child alone, in bytes.
    var peakRSS: Int
    var stdout: String
    var stderr: String

    static let launcher = """
        import os, sys
        pid = os.posix_spawn(sys.argv[2], sys.argv[2:], dict(os.environ, NO_COLOR="1"))
        _, status, usage = os.wait4(pid, 0)
        with open(sys.argv[1], "w") as report:
            report.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss}\\n")
        """

    /// Runs `migration-lint` with `arguments` in `directory`, output to files.
    static func run(_ arguments: [String], in directory: String) throws -> MeasuredRun {
        let report = directory + "/rusage.txt"
        let output = try ChildProcess.run("/usr/bin/env", ["python3", "-c", launcher, report, CLI.binary] + arguments,
                                          in: URL(fileURLWithPath: directory))
        let fields = ((try? String(contentsOfFile: report, encoding: .utf8)) ?? "").split(separator: " ")
        guard output.status == 0, fields.count == 2, let status = Int32(fields[0]),
              let kibibytes = Int(fields[1].trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw SpawnFailed(description: "the launcher failed (exit \(output.status)): \(output.stderr.prefix(2000))")
        }
        // ru_maxrss is in KiB on Linux.
        return MeasuredRun(status: status, peakRSS: kibibytes * 1024, stdout: output.stdout, stderr: output.stderr)
    }

    struct SpawnFailed: Error, CustomStringConvertible { var description: String }
}

/// python3 starts the process a `MeasuredRun` measures.
let python3IsOnPath = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
    .contains { FileManager.default.isExecutableFile(atPath: "\($0)/python3") }
