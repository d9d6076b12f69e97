
/// The outcome for one input file.
public enum FileOutcome: Sendable {
    case linted(FileReport)
    /// A down migration (or another part the layout does not run): not linted.
    case skipped(path: String, reason: String)
    case failed(InputError)

    public var path: String {
        switch self {
        case .linted(let report): return report.path
        case .skipped(let path, _): return path
        case .failed(let error): return error.path
        }
    }
}
