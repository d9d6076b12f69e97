import MigrationLint
import PostgresSyntax

/// What every reporter renders: the outcome of a run.
public struct LintResult: Sendable {
    /// In output order: sorted by path.
    public let reports: [FileReport]
    public let errors: [InputError]
    public let skipped: [String]
    public let rules: [RuleDescription]

    public init(outcomes: [FileOutcome], errors: [InputError] = [], rules: [RuleDescription] = []) {
        var reports: [FileReport] = []
        var allErrors = errors
        var skipped: [String] = []
        for outcome in outcomes {
            switch outcome {
            case .linted(let report): reports.append(report)
            case .failed(let error): allErrors.append(error)
            case .skipped(let path, _): skipped.append(path)
            }
        }
        self.reports = reports.sorted { $0.path < $1.path }
        self.errors = allErrors
        self.skipped = skipped
        self.rules = rules
    }

    public var summary: Summary {
        var summary = Summary(findings: 0, errors: 0, warnings: 0, infos: 0,
                              filesWithFindings: reports.filter { !$0.diagnostics.isEmpty }.count, filesChecked: reports.count)
        for report in reports {
            for diagnostic in report.diagnostics {
                summary.findings += 1
                switch diagnostic.severity {
                case .error: summary.errors += 1
                case .warning: summary.warnings += 1
                case .info: summary.infos += 1
                }
            }
        }
        return summary
    }

    public struct Summary: Sendable, Equatable {
        public var findings, errors, warnings, infos, filesWithFindings, filesChecked: Int

        /// "3 findings (1 error, 2 warnings) in 2 files; 5 files checked"
        public var line: String {
            var parts: [String] = []
            if errors > 0 { parts.append(plural(errors, "error")) }
            if warnings > 0 { parts.append(plural(warnings, "warning")) }
            if infos > 0 { parts.append(plural(infos, "info", "infos")) }
            let detail = parts.isEmpty ? "" : " (\(parts.joined(separator: ", ")))"
            return "\(plural(findings, "finding"))\(detail) in \(plural(filesWithFindings, "file")); \(plural(filesChecked, "file")) checked"
        }
    }
}

func plural(_ count: Int, _ singular: String, _ pluralForm: String? = nil) -> String {
    "\(count) \(count == 1 ? singular : (pluralForm ?? singular + "s"))"
}

/// One output format.
public protocol Reporter: Sendable {
    func render(_ result: LintResult) -> String
}

/// A format whose output is one independent part per file inside a frame, so the parts can be
/// rendered on all cores: for the corpus, JSON output was a fifth of the run on one thread.
public protocol PerFileReporter: Reporter {
    /// The part of the output for one file; empty when the file has nothing to show.
    func renderFile(_ report: FileReport) -> [UInt8]
    /// What comes before the first part, between two parts, and after the last.
    func frame(_ result: LintResult) -> ReportFrame
}

public struct ReportFrame: Sendable {
    public var head: [UInt8]
    public var separator: [UInt8]
    public var tail: [UInt8]
}

/// Places the parts of a framed output as they come, in order: an empty part is left out, and
/// the separator goes before every part but the first.
public struct PartJoiner {
    public let frame: ReportFrame
    private var placedOne = false

    public init(frame: ReportFrame) { self.frame = frame }

    public mutating func append(_ part: [UInt8], _ body: ([UInt8]) -> Void) {
        guard !part.isEmpty else { return }
        if placedOne { body(frame.separator) }
        placedOne = true
        body(part)
    }
}

extension PerFileReporter {
    /// The whole output, the parts rendered one after another (the CLI renders them on all
    /// cores and writes them as they come, through the same `PartJoiner`).
    public func render(_ result: LintResult) -> String {
        var joiner = PartJoiner(frame: frame(result))
        var out = joiner.frame.head
        for report in result.reports { joiner.append(renderFile(report)) { out += $0 } }
        out += joiner.frame.tail
        return String(decoding: out, as: UTF8.self)
    }
}

/// The output formats, by the name `--format` takes.
public enum OutputFormat: String, CaseIterable, Sendable {
    case text, gcc, json, github, sarif, markdown, gitlab

    public func reporter(color: Bool, toolVersion: String? = nil) -> any Reporter {
        switch self {
        case .text: return TextReporter(color: color)
        case .gcc: return GCCReporter()
        case .json: return JSONReporter()
        case .github: return GitHubReporter()
        case .sarif: return SARIFReporter(toolVersion: toolVersion)
        case .markdown: return MarkdownReporter()
        case .gitlab: return GitLabReporter()
        }
    }
}
