import Foundation
import MigrationLint
import PostgresSyntax

/// SARIF 2.1.0, the format GitHub code scanning and other static-analysis dashboards import.
/// Regions are 1-based; columns count Unicode code points (declared in `columnKind`), as the
/// other reporters do. Fixes carry their edits as replacements, so tools can apply them.
public struct SARIFReporter: Reporter {
    public var toolVersion: String?

    public init(toolVersion: String? = nil) { self.toolVersion = toolVersion }

    struct Log: Encodable {
        let schema = "https://json.schemastore.org/sarif-2.1.0.json"
        let version = "2.1.0"
        var runs: [Run]
        enum CodingKeys: String, CodingKey { case schema = "$schema", version, runs }
    }
    struct Run: Encodable {
        var tool: Tool
        var invocations: [Invocation]
        var columnKind = "unicodeCodePoints"
        var results: [Result]
    }
    struct Tool: Encodable { var driver: Driver }
    struct Driver: Encodable {
        var name = "migration-lint"
        var version: String?
        var rules: [ReportingDescriptor]
    }
    struct Message: Encodable {
        var text: String
        var markdown: String?
    }
    struct ReportingDescriptor: Encodable {
        var id: String
        var shortDescription: Message
        var fullDescription: Message
        var help: Message
        var defaultConfiguration: Configuration
        var properties: Properties
    }
    struct Configuration: Encodable {
        var enabled: Bool
        var level: String
    }
    struct Properties: Encodable { var tags: [String] }
    struct Invocation: Encodable {
        var executionSuccessful: Bool
        var toolExecutionNotifications: [Notification]
    }
    struct Notification: Encodable {
        var level = "error"
        var message: Message
        var locations: [Location]
    }
    struct Result: Encodable {
        var ruleId: String
        var ruleIndex: Int?
        var level: String
        var message: Message
        var locations: [Location]
        var fixes: [FixObject]?
    }
    struct Location: Encodable { var physicalLocation: PhysicalLocation }
    struct PhysicalLocation: Encodable {
        var artifactLocation: ArtifactLocation
        var region: Region?
    }
    struct ArtifactLocation: Encodable { var uri: String }
    struct Region: Encodable {
        var startLine: Int
        var startColumn: Int
        var endLine: Int
        var endColumn: Int
    }
    struct FixObject: Encodable {
        var description: Message
        var artifactChanges: [ArtifactChange]
    }
    struct ArtifactChange: Encodable {
        var artifactLocation: ArtifactLocation
        var replacements: [Replacement]
    }
    struct Replacement: Encodable {
        var deletedRegion: Region
        var insertedContent: Content
    }
    struct Content: Encodable { var text: String }

    public func render(_ result: LintResult) -> String {
        // Rules the run used, then the engine's own diagnostics, so every result has its rule.
        var descriptions = result.rules
        for engineRule in EngineDiagnostics.all where !descriptions.contains(where: { $0.id == engineRule.id }) {
            descriptions.append(engineRule)
        }
        let index = Dictionary(descriptions.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        var results: [Result] = []
        for report in result.reports {
            let uri = Self.uri(report.path)
            for diagnostic in report.diagnostics {
                let fixes = diagnostic.fix.map { fix in
                    [FixObject(description: Message(text: fix.message),
                               artifactChanges: [ArtifactChange(
                                artifactLocation: ArtifactLocation(uri: uri),
                                replacements: fix.edits.map {
                                    Replacement(deletedRegion: region($0.range, report.source),
                                                insertedContent: Content(text: $0.replacement))
                                })])]
                }
                results.append(Result(
                    ruleId: diagnostic.ruleID, ruleIndex: index[diagnostic.ruleID], level: Self.level(diagnostic.severity),
                    message: Message(text: text(of: diagnostic)),
                    locations: [Location(physicalLocation: PhysicalLocation(
                        artifactLocation: ArtifactLocation(uri: uri), region: region(diagnostic.range, report.source)))],
                    fixes: fixes))
            }
        }
        let notifications = result.errors.map { error in
            Notification(message: Message(text: error.message), locations: [Location(physicalLocation: PhysicalLocation(
                artifactLocation: ArtifactLocation(uri: Self.uri(error.path)),
                region: error.line.map { Region(startLine: $0, startColumn: error.column ?? 1, endLine: $0, endColumn: error.column ?? 1) }))])
        }
        let run = Run(
            tool: Tool(driver: Driver(version: toolVersion, rules: descriptions.map(descriptor))),
            invocations: [Invocation(executionSuccessful: result.errors.isEmpty, toolExecutionNotifications: notifications)],
            results: results)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(Log(runs: [run])) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    func text(of diagnostic: Diagnostic) -> String {
        var lines = [diagnostic.message]
        lines += diagnostic.notes.map { "Note: \($0)" }
        if let help = diagnostic.help { lines.append("Help: \(help)") }
        if let rewrite = diagnostic.rewrite { lines.append("Suggested rewrite:\n\(rewrite.text)") }
        return lines.joined(separator: "\n")
    }

    func region(_ range: Range<Int>, _ source: SourceText) -> Region {
        let start = source.position(of: range.lowerBound)
        let end = source.position(of: max(range.lowerBound, range.upperBound))
        return Region(startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column)
    }

    func descriptor(_ rule: RuleDescription) -> ReportingDescriptor {
        var helpText = "\(rule.rationale)\n\nSafe alternative: \(rule.safeAlternative)"
        var helpMarkdown = "\(rule.rationale)\n\n**Safe alternative:** \(rule.safeAlternative)"
        if let notes = rule.versionNotes {
            helpText += "\n\nVersions: \(notes)"
            helpMarkdown += "\n\n**Versions:** \(notes)"
        }
        if let bad = rule.badExamples.first {
            helpMarkdown += "\n\nFlagged:\n\n```sql\n\(bad.withoutMarkers.sql)\n```"
        }
        if let good = rule.goodExamples.first {
            helpMarkdown += "\n\nSafe:\n\n```sql\n\(good.sql)\n```"
        }
        return ReportingDescriptor(
            id: rule.id,
            shortDescription: Message(text: rule.summary),
            fullDescription: Message(text: rule.rationale),
            help: Message(text: helpText, markdown: helpMarkdown),
            defaultConfiguration: Configuration(enabled: rule.defaultSeverity != nil,
                                                level: rule.defaultSeverity.map(Self.level) ?? "warning"),
            properties: Properties(tags: [rule.category.rawValue]))
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
