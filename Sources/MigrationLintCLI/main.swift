import Foundation
import MigrationInput

/// The main thread's stack grows on demand up to the soft stack limit, 8 MiB by default. Raised to
/// the workers' 64 MiB (where the hard limit allows), one file is parsed and linted on this thread
/// instead of a worker started for it (`ParallelWork` runs a single item on a calling thread whose
/// stack is large enough): a one-file lint then starts no thread at all, and the pre-commit case
/// took 0.6 ms less, a tenth of its time (docs/benchmarks.md, "Start-up").
func raiseStackLimit(to size: Int) {
    var limit = rlimit()
    let resource = __rlimit_resource_t(RLIMIT_STACK.rawValue)
    // No limit reads as the largest value: it is left alone, and caps nothing.
    guard getrlimit(resource, &limit) == 0, limit.rlim_cur < rlim_t(size) else { return }
    limit.rlim_cur = min(rlim_t(size), limit.rlim_max)
    setrlimit(resource, &limit)
}

raiseStackLimit(to: LintRunner.defaultStackSize)
exit(MigrationLintCommand.exitStatus(Array(CommandLine.arguments.dropFirst())))
