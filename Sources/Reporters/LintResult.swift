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
