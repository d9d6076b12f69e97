import Foundation
import MigrationLint
import PostgresSyntax

/// SARIF 2.1.0, the format GitHub code scanning and other static-analysis dashboards import.
/// Regions are 1-based; columns count Unicode code points (declared in `columnKind`), as the
/// other reporters do. Fixes carry their edits as replacements, so tools can apply them.
public struct SARIFReporter: Reporter {
    public var toolVersion: String?

    public init(toolVersion: String? = nil) { self.toolVersion = toolVersion }

    public func render(_ result: LintResult) -> String {
        // Rules the run used, then the engine's own diagnostics, so every result has its rule.
        var descriptions = result.rules
        for engineRule in EngineDiagnostics.all where !descriptions.contains(where: { $0.id == engineRule.id }) {
            descriptions.append(engineRule)
        }
        let index = Dictionary(descriptions.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        var results: [JSONValue] = []
        for report in result.reports {
            let uri = Self.uri(report.path)
            for diagnostic in report.diagnostics {
                let fixes = diagnostic.fix.map { fix -> JSONValue in
                    .array([.sortedObject([
                        ("description", Self.message(fix.message)),
                        ("artifactChanges", .array([.sortedObject([
                            ("artifactLocation", Self.artifactLocation(uri)),
                            ("replacements", .array(fix.edits.map { edit in
                                .sortedObject([
                                    ("deletedRegion", region(edit.range, report.source)),
                                    ("insertedContent", .sortedObject([("text", .string(edit.replacement))])),
                                ])
                            })),
                        ])])),
                    ])])
                }
                results.append(.sortedObject([
                    ("ruleId", .string(diagnostic.ruleID)),
                    ("ruleIndex", index[diagnostic.ruleID].map(JSONValue.int)),
                    ("level", .string(Self.level(diagnostic.severity))),
                    ("message", Self.message(text(of: diagnostic))),
                    ("locations", .array([Self.location(uri, region: region(diagnostic.range, report.source))])),
                    ("fixes", fixes),
                ]))
            }
        }
        let notifications = result.errors.map { error -> JSONValue in
            let region = error.line.map { line -> JSONValue in
                let column = error.column ?? 1
                return Self.region(startLine: line, startColumn: column, endLine: line, endColumn: column)
            }
            return .sortedObject([
                ("level", .string("error")),
                ("message", Self.message(error.message)),
                ("locations", .array([Self.location(Self.uri(error.path), region: region)])),
            ])
        }
        // Each place no rule checked is a warning notification: the tool ran, but not on that
        // statement. Its descriptor is the driver's one notification descriptor, `not-analyzed`.
        let coverage = result.coverage
        let places = result.unanalyzedPlaces.map { place -> JSONValue in
            .sortedObject([
                ("level", .string("warning")),
                ("message", Self.message(place.message)),
                ("descriptor", .sortedObject([("id", .string(notAnalyzedID)), ("index", .int(0))])),
                ("locations", .array([Self.location(Self.uri(place.path), region: .sortedObject([
                    ("startLine", .int(place.line)), ("startColumn", .int(place.column)),
                ]))])),
                ("properties", .sortedObject([("reason", .string(place.reason))])),
            ])
        }
        let run = JSONValue.sortedObject([
            ("tool", .sortedObject([("driver", .sortedObject([
                ("name", .string("migration-lint")),
                ("version", toolVersion.map(JSONValue.string)),
                ("rules", .array(descriptions.map(descriptor))),
                ("notifications", .array([.sortedObject([
                    ("id", .string(notAnalyzedID)),
                    ("shortDescription", Self.message("A statement, EXECUTE string or builder call that no rule checked.")),
                    ("defaultConfiguration", .sortedObject([("level", .string("warning"))])),
                ])])),
            ]))])),
            ("invocations", .array([.sortedObject([
                ("executionSuccessful", .bool(result.errors.isEmpty)),
                ("toolExecutionNotifications", .array(notifications + places)),
            ])])),
            ("properties", .sortedObject([("coverage", .sortedObject([
                ("statements", .int(coverage.statements)),
                ("analyzed", .int(coverage.analyzed)),
                ("unanalyzed", .int(coverage.unanalyzed.count)),
                ("line", .string(coverage.line)),
            ]))])),
            ("columnKind", .string("unicodeCodePoints")),
            ("results", .array(results)),
        ])
        return JSONWriter.document(.sortedObject([
            ("$schema", .string("https://json.schemastore.org/sarif-2.1.0.json")),
            ("version", .string("2.1.0")),
            ("runs", .array([run])),
        ]))
    }

    static func message(_ text: String, markdown: String? = nil) -> JSONValue {
        .sortedObject([("text", .string(text)), ("markdown", markdown.map(JSONValue.string))])
    }

    static func artifactLocation(_ uri: String) -> JSONValue {
        .sortedObject([("uri", .string(uri))])
    }

    static func location(_ uri: String, region: JSONValue?) -> JSONValue {
        .sortedObject([("physicalLocation", .sortedObject([("artifactLocation", artifactLocation(uri)), ("region", region)]))])
    }

    static func region(startLine: Int, startColumn: Int, endLine: Int, endColumn: Int) -> JSONValue {
        .sortedObject([("startLine", .int(startLine)), ("startColumn", .int(startColumn)),
                       ("endLine", .int(endLine)), ("endColumn", .int(endColumn))])
    }

    func text(of diagnostic: Diagnostic) -> String {
        var lines = [diagnostic.message]
        lines += diagnostic.notes.map { "Note: \($0)" }
        if let help = diagnostic.help { lines.append("Help: \(help)") }
        if let rewrite = diagnostic.rewrite { lines.append("Suggested rewrite:\n\(rewrite.text)") }
        return lines.joined(separator: "\n")
    }

    func region(_ range: Range<Int>, _ source: SourceText) -> JSONValue {
        let start = source.position(of: range.lowerBound)
        let end = source.position(of: max(range.lowerBound, range.upperBound))
        return Self.region(startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column)
    }

    func descriptor(_ rule: RuleDescription) -> JSONValue {
        var helpText = "\(rule.rationale)\n\nSafe alternative: \(rule.safeAlternative)"
        var helpMarkdown = "\(rule.rationale)\n\n**Safe alternative:** \(rule.safeAlternative)"
        if let notes = rule.versionNotes {
            helpText += "\n\nVersions: \(notes)"
            helpMarkdown += "\n\n**Versions:** \(notes)"
        }
        if let bad = rule.badExamples.first {
            helpMarkdown += "\n\nFlagged:\n\n```sql\n\(bad.shownSQL)\n```"
        }
        if let good = rule.goodExamples.first {
            helpMarkdown += "\n\nSafe:\n\n```sql\n\(good.shownSQL)\n```"
        }
        return .sortedObject([
            ("id", .string(rule.id)),
            ("shortDescription", Self.message(rule.summary)),
            ("fullDescription", Self.message(rule.rationale)),
            ("help", Self.message(helpText, markdown: helpMarkdown)),
            ("defaultConfiguration", .sortedObject([
                ("enabled", .bool(rule.defaultSeverity != nil)),
                ("level", .string(rule.defaultSeverity.map(Self.level) ?? "warning")),
            ])),
            ("properties", .sortedObject([("tags", .array([.string(rule.category.rawValue)]))])),
        ])
    }

    static func level(_ severity: Severity) -> String {
        switch severity {
        case .error: return "error"
        case .warning: return "warning"
        case .info: return "note"
        }
    }

    /// A relative URI reference for a path: percent-encoded, `/` kept; absolute paths become file URIs.
    static func uri(_ path: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        allowed.insert(charactersIn: "-._~/")
        let encoded = path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
        return path.hasPrefix("/") ? "file://" + encoded : encoded
    }
}
