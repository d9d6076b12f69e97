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
