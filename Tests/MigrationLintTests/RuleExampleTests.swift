import Testing
import MigrationLint
import MigrationInput
import MigrationLintRules
import PostgresSyntax

/// One generic test that runs every rule's own examples, and variants of them, so that the
/// examples in the docs are exactly what is tested.
@Suite struct RuleExampleTests {
    static let rules: [any Rule] = allRules

    struct Case: CustomTestStringConvertible, Sendable {
        let rule: any Rule
        var testDescription: String { rule.id }
    }

    static var cases: [Case] { rules.map(Case.init) }

    func engine(for rule: any Rule, _ example: RuleExample) -> LintEngine {
        var configuration = Configuration()
        configuration.postgresVersion = example.postgresVersion ?? 15
        // The rule under test runs even when it is off by default.
        configuration.ruleSettings[rule.id] = RuleSetting(rule.description.defaultSeverity ?? .warning)
        return LintEngine(rules: [rule], configuration: configuration)
    }

    func findings(_ rule: any Rule, _ example: RuleExample, text: String) -> [Diagnostic] {
        engine(for: rule, example).lint(example, text: text).diagnostics.filter { $0.ruleID == rule.id }
    }

    @Test(arguments: cases) func badExamplesFindAtEveryMarker(_ item: Case) {
        let rule = item.rule
        #expect(rule.description.badExamples.count >= 3, "\(rule.id) needs at least three bad examples")
        for example in rule.description.badExamples {
            let (sql, markers) = example.withoutMarkers
            #expect(!markers.isEmpty, "bad example without ↓ marker: \(example.sql)")
            let found = findings(rule, example, text: sql).map(\.range.lowerBound).sorted()
            #expect(found == markers, "\(rule.id): \(example.sql)")
        }
    }

    @Test(arguments: cases) func goodExamplesAreQuiet(_ item: Case) {
        let rule = item.rule
        #expect(rule.description.goodExamples.count >= 3, "\(rule.id) needs at least three good examples")
        for example in rule.description.goodExamples {
            let found = findings(rule, example, text: example.sql)
            #expect(found.isEmpty, "\(rule.id) fired on good example: \(example.sql) → \(found.map(\.message))")
        }
    }

    @Test(arguments: cases) func badExampleInsideACommentIsQuiet(_ item: Case) {
        for example in item.rule.description.badExamples {
            let sql = example.withoutMarkers.sql.replacingOccurrences(of: "*/", with: "* /")
            #expect(findings(item.rule, example, text: "/*\n\(sql)\n*/\nSELECT 1;").isEmpty)
        }
    }

    @Test(arguments: cases) func badExampleAfterAnIgnoreCommentIsQuiet(_ item: Case) {
        for example in item.rule.description.badExamples {
            let sql = example.withoutMarkers.sql
            let source = SourceText(sql)
            // An ignore comment before every statement of the example.
            var text = ""
            var last = 0
            for slice in StatementSplitter.split(source.bytes) {
                text += source.text(last..<slice.range.lowerBound)
                text += "-- migration-lint-ignore: \(item.rule.id) tested\n"
                last = slice.range.lowerBound
            }
            text += source.text(last..<source.count)
            #expect(findings(item.rule, example, text: text).isEmpty, "\(item.rule.id) not silenced: \(text)")
        }
    }

    @Test(arguments: cases) func multiByteTextBeforeAFindingKeepsItsPlace(_ item: Case) {
        let prefix = "-- Größe ✓ 数据 😀\n"
        for example in item.rule.description.badExamples {
            let (sql, markers) = example.withoutMarkers
            let report = engine(for: item.rule, example).lint(example, text: prefix + sql)
            let found = report.diagnostics.filter { $0.ruleID == item.rule.id }
            #expect(found.map(\.range.lowerBound).sorted() == markers.map { $0 + prefix.utf8.count })
            // Line and column count characters: the marker's column is the same as without the prefix.
            let plain = SourceText(sql)
            for (diagnostic, marker) in zip(found.sorted { $0.range.lowerBound < $1.range.lowerBound }, markers) {
                let position = report.source.position(of: diagnostic.range.lowerBound)
                let expected = plain.position(of: marker)
                #expect(position.line == expected.line + 1 && position.column == expected.column)
            }
        }
    }

    @Test(arguments: cases) func crlfLineEndingsKeepThePlace(_ item: Case) {
        for example in item.rule.description.badExamples {
            let (sql, markers) = example.withoutMarkers
            let crlf = sql.replacingOccurrences(of: "\n", with: "\r\n")
            let shifted = markers.map { marker in marker + sql.utf8.prefix(marker).filter { $0 == 0x0A }.count }
            #expect(findings(item.rule, example, text: crlf).map(\.range.lowerBound).sorted() == shifted)
            let plain = SourceText(sql), windows = SourceText(crlf)
            for (a, b) in zip(markers, shifted) {
                #expect(plain.position(of: a).line == windows.position(of: b).line)
                #expect(plain.position(of: a).column == windows.position(of: b).column)
            }
        }
    }

    @Test(arguments: cases) func fixExamplesProduceTheAfterTextAndSilenceTheRule(_ item: Case) {
        for fixExample in item.rule.description.fixExamples {
            let before = fixExample.before.withoutMarkers.sql
            let found = findings(item.rule, fixExample.before, text: before)
            let fixes = found.compactMap(\.fix)
            #expect(!fixes.isEmpty, "\(item.rule.id): no fix for \(before)")
            let fixed = String(decoding: FixApplier.apply(fixes, to: Array(before.utf8)).bytes, as: UTF8.self)
            #expect(fixed == fixExample.after)
            #expect(findings(item.rule, fixExample.before, text: fixed).isEmpty, "\(item.rule.id) still fires after its fix")
        }
    }

    /// Statements of `text` that PostgreSQL 15's grammar rejects, as their messages.
    func syntaxErrors(_ text: String) -> [String] {
        SQLParser().parse(SourceText(text)).compactMap { parsed in
            if case .syntaxError(let message, _) = parsed.content { return message }
            return nil
        }
    }

    /// Every fix offered on a bad example applies on its own, leaves text PostgreSQL parses, and
    /// removes its finding: what `--fix` writes, and what `rules` calls machine-applicable.
    @Test(arguments: cases) func everyFixOfABadExampleAppliesAndSilencesItsFinding(_ item: Case) {
        for example in item.rule.description.badExamples {
            let before = example.withoutMarkers.sql
            let found = findings(item.rule, example, text: before)
            for diagnostic in found {
                guard let fix = diagnostic.fix else { continue }
                let (bytes, applied) = FixApplier.apply([fix], to: Array(before.utf8))
                #expect(applied == [0], "\(item.rule.id): fix not applied to \(before)")
                let fixed = String(decoding: bytes, as: UTF8.self)
                #expect(syntaxErrors(fixed).isEmpty, "\(item.rule.id): the fix leaves invalid SQL:\n\(fixed)\n→ \(syntaxErrors(fixed))")
                let after = findings(item.rule, example, text: fixed)
                #expect(after.count < found.count, "\(item.rule.id) still fires as often after its fix:\n\(fixed)")
            }
        }
    }

    /// Every migration step of a rewrite parses, and, linted with every rule at its default
    /// severity, raises no warning or error: on its own, or where it stands, after the statements
    /// of the file before the one it replaces (a plain index on a table the file created earlier
    /// is clean only there).
    @Test(arguments: cases) func rewriteStepsLintClean(_ item: Case) {
        let everything = LintEngine(rules: Self.rules)
        for example in item.rule.description.badExamples {
            let text = example.withoutMarkers.sql
            for diagnostic in findings(item.rule, example, text: text) {
                guard let plan = diagnostic.rewrite else { continue }
                for case .backfill(let sql, _) in plan.steps {
                    #expect(syntaxErrors(sql).isEmpty, "\(item.rule.id) backfill step does not parse:\n\(sql)\n→ \(syntaxErrors(sql))")
                }
                let statementStart = SQLParser().parse(SourceText(text)).last { $0.range.lowerBound <= diagnostic.range.lowerBound }?.range.lowerBound ?? 0
                let before = String(decoding: Array(text.utf8)[..<statementStart], as: UTF8.self)
                for step in plan.migrationSteps {
                    #expect(syntaxErrors(step).isEmpty, "\(item.rule.id) rewrite step does not parse:\n\(step)\n→ \(syntaxErrors(step))")
                    var loud = everything.lint(text: step, path: "step.sql").diagnostics.filter { $0.severity >= .warning }
                    if !loud.isEmpty, !before.isEmpty {
                        loud = everything.lint(text: before + step, path: "step.sql").diagnostics
                            .filter { $0.severity >= .warning && $0.range.lowerBound >= before.utf8.count }
                    }
                    #expect(loud.isEmpty, "\(item.rule.id) rewrite step is not clean:\n\(step)\n→ \(loud.map { "\($0.ruleID): \($0.message)" })")
                }
            }
        }
    }

    /// A rewrite step in syntax newer than the grammar (`migrationNeeding`) is offered only to a
    /// target that has that syntax, really is beyond the grammar (or it would be a plain, checked
    /// migration step), and, linted for the version it needs, raises nothing but the syntax-error
    /// warning that says it may be newer syntax.
    @Test(arguments: cases) func rewriteStepsInNewerSyntaxNeedTheirVersion(_ item: Case) {
        for example in item.rule.description.badExamples {
            let target = example.postgresVersion ?? 15
            for diagnostic in findings(item.rule, example, text: example.withoutMarkers.sql) {
                for step in diagnostic.rewrite?.newerSyntaxSteps ?? [] {
                    #expect(step.version > GrammarVersion.major, "\(item.rule.id): the grammar reads PostgreSQL \(step.version) syntax, make it a plain migration step:\n\(step.sql)")
                    #expect(target >= step.version, "\(item.rule.id): a PostgreSQL \(step.version) step offered for target \(target):\n\(step.sql)")
                    #expect(!syntaxErrors(step.sql).isEmpty, "\(item.rule.id): the grammar reads this step, make it a plain migration step:\n\(step.sql)")
                    var configuration = Configuration()
                    configuration.postgresVersion = step.version
                    let loud = LintEngine(rules: Self.rules, configuration: configuration).lint(text: step.sql, path: "step.sql")
                        .diagnostics.filter { $0.severity >= .warning }
                    #expect(!loud.isEmpty && loud.allSatisfy { $0.ruleID == "syntax-error" && $0.severity == .warning },
                            "\(item.rule.id) newer-syntax step is not clean for PostgreSQL \(step.version):\n\(step.sql)\n→ \(loud.map { "\($0.ruleID) \($0.severity): \($0.message)" })")
                }
            }
        }
    }

    @Test func ruleIDsAreUniqueKebabCase() {
        let ids = Self.rules.map(\.id) + EngineDiagnostics.all.map(\.id)
        #expect(Set(ids).count == ids.count)
        for id in ids { #expect(id.allSatisfy { $0.isLowercase || $0 == "-" || $0.isNumber }, "\(id)") }
    }
}
