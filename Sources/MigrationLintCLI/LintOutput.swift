import Foundation
import MigrationLint
import MigrationInput
import Reporters

/// The lint command's output: the result in the chosen format on standard output, errors on
/// standard error where the format does not show them, and the exit status.
struct LintOutput {
    /// Nil when the result is not printed (with `--diff`, the diffs are the text output).
    var format: OutputFormat?
    var color: ColorChoice
    var runner: LintRunner

    /// Writes the result and ends the process: 2 when a file could not be linted, else 1 when a
    /// finding is at or above `failOn` or, with `failOnUnanalyzed`, when a statement could not be
    /// checked, else 0.
    func finish(_ result: LintResult, failOn: FailOn, failOnUnanalyzed: Bool = false) -> Never {
        if let format {
            render(result, format)
        }
        if format != .text && format != .gcc {
            // Machine formats carry the errors inside; say them on stderr too for people.
            for error in result.errors { printError(error.description) }
        }
        let code: Int32
        if !result.errors.isEmpty {
            code = 2
        } else if let threshold = failOn.threshold,
                  result.reports.contains(where: { $0.diagnostics.contains { $0.severity >= threshold } }) {
            code = 1
        } else if failOnUnanalyzed, result.reports.contains(where: { !$0.coverage.unanalyzed.isEmpty }) {
            code = 1
        } else {
            code = 0
        }
        // Everything is written (unbuffered): end the process here instead of freeing every
        // report, finding and source on the way out: about 150 ms of CPU time for 30,000
        // findings as text (docs/benchmarks.md, "Command line").
        Foundation.exit(code)
    }

    private func render(_ result: LintResult, _ format: OutputFormat) {
        let reporter = format.reporter(color: useColor, toolVersion: MigrationLintCommand.version)
        guard let perFile = reporter.perFile else {
            return writeOutput(reporter.render(result))
        }
        // Parts are rendered on the worker threads and written here, in order, as they are done.
        var output = BufferedOutput()
        var joiner = PartJoiner(frame: perFile.frame(result))
        output.append(joiner.frame.head)
        ParallelWork.stream(count: result.reports.count, threads: runner.threadCount, stackSize: runner.stackSize, light: true, {
            perFile.renderFile(result.reports[$0])
        }, consume: { _, part in
            joiner.append(part) { output.append($0) }
        })
        output.append(joiner.frame.tail)
        output.flush()
    }

    private var useColor: Bool {
        switch color {
        case .always: return true
        case .never: return false
        case .auto:
            let environment = ProcessInfo.processInfo.environment
            let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
            return isatty(STDOUT_FILENO) != 0 && !noColor && environment["TERM"] != "dumb"
        }
    }
}
