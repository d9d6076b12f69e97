import Foundation
import MigrationLint
import MigrationLintRules
import PostgresSyntax
import Reporters

/// Built once: the engine keeps no state between files.
private let runner = LintRunner(engine: LintEngine(rules: allRules))

/// Bytes in, findings out, the whole lint path: decoding, layout, splitting, libpg_query, the
/// lock model, every rule, then the text and JSON reporters. Runs on the runner's own worker
/// thread (the large stack the CLI uses), so a crash here is a crash users would see.
func fuzzLint(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let outcome: FileOutcome
    switch SourceReader.decode(bytes, path: "fuzz.sql") {
    case .success(let source):
        outcome = runner.run(count: 1) { _ in runner.lint(path: "fuzz.sql", source: source) }[0]
    case .failure(let error):
        outcome = .failed(error)
    }
    let result = LintResult(outcomes: [outcome], rules: runner.engine.rules.map(\.description))
    _ = TextReporter(color: true).render(result)
    _ = JSONReporter().render(result)
    return 0
}

/// libFuzzer's entry point when the program has its own `main` (SwiftPM gives every executable
/// target one), declared here because libFuzzer ships no Swift module.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { fuzzLint($0, $1) })
