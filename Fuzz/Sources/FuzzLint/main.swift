import Foundation
import MigrationLint
import MigrationInput
import MigrationLintRules
import PostgresSyntax
import Reporters

/// Built once: the engine keeps no state between files. Hidden SQL (DO bodies, EXECUTE strings,
/// called functions) and placeholder recognition are on, as by default, and some placeholders
/// have configured values, so that the substitution of values into messages runs too.
private let runner: LintRunner = {
    var configuration = Configuration()
    configuration.recognizePlaceholders = true
    configuration.placeholderValues = ["schema": "app", "Namespace": "auth", "name": "users", "value": "42"]
    var engine = LintEngine(rules: allRules, configuration: configuration)
    engine.readsHiddenSQL = true
    return LintRunner(engine: engine)
}()

/// Bytes in, findings out, the whole lint path: decoding, layout, splitting, libpg_query, the
/// lock model, every rule, then every reporter (coverage included). Runs on a thread with the stack
/// size of the runner's workers, so a stack overflow here is one users would see.
func fuzzLint(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let outcome: FileOutcome
    switch SourceReader.decode(bytes, path: "fuzz.sql") {
    case .success(let source):
        outcome = runner.lint(path: "fuzz.sql", source: source)
    case .failure(let error):
        outcome = .failed(error)
    }
    let result = LintResult(outcomes: [outcome], rules: runner.engine.rules.map(\.description))
    for format in OutputFormat.allCases {
        _ = format.reporter(color: true, toolVersion: "fuzz").render(result)
    }
    return 0
}

/// What libFuzzer's own `main` calls in a debug build (`FUZZ_CONFIGURATION=debug`), where SwiftPM
/// renames the program's entry point on Linux and the code below never runs: the input is linted
/// on the main thread, whose stack scripts/fuzz.sh raises to the workers' 64 MiB.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzLint(data, size)
}

/// libFuzzer's entry point when the program has its own `main` (SwiftPM gives every executable
/// target one), declared here because libFuzzer ships no Swift module.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

// One long-lived worker rather than a thread per input (as `LintRunner.run` would make): the
// thread-local memory libpg_query keeps per thread would otherwise pile up over millions of runs.
let driver = Thread {
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv) { fuzzLint($0, $1) })
}
driver.stackSize = runner.stackSize
driver.start()
while true { sleep(60) }
