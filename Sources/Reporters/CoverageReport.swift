import MigrationLint
import PostgresSyntax

/// A place no rule checked, where the user finds it: what every reporter shows of coverage.
public struct UnanalyzedPlace: Sendable, Equatable {
    public var path: String
    public var line: Int
    public var column: Int
    /// Counted in the coverage line: "dynamic EXECUTE", "syntax error", ...
    public var reason: String
    /// What exactly, when the reason does not say it (the Swift expression building the SQL).
    public var detail: String?
    /// A finding already points into this place (the `syntax-error` or `psql-meta-command`
    /// finding of the same statement): formats that annotate places one by one (gcc, github,
    /// gitlab) leave it out rather than mark the statement twice.
    public var alreadyReported: Bool
    /// The text of the place, for a fingerprint that survives edits elsewhere in the file.
    public var text: String

    /// "not analyzed: dynamic EXECUTE", or the detail when there is one (it says so itself).
    public var message: String { detail ?? "not analyzed: \(reason)" }
}

/// The id under which formats that need one (SARIF notifications, GitLab issues, gcc and github
/// lines) name a place in the coverage report. It is not a rule: nothing turns it off, and
/// `--fail-on-unanalyzed` decides whether it fails the run.
public let notAnalyzedID = "not-analyzed"

extension LintResult {
    /// The coverage of every file linted: counts summed, places in path order, then file order.
    public var coverage: Coverage {
        var total = Coverage()
        for report in reports {
            total.statements += report.coverage.statements
            total.analyzed += report.coverage.analyzed
        }
        // Appended, not `+`: that sorts by offset, which means nothing across files.
        total.unanalyzed = reports.flatMap(\.coverage.unanalyzed)
        total.history = historyPlacesOutsideRun
        return total
    }

    /// What the replays could not read, each place once, leaving out the places in files this
    /// run lints: those are listed as the file's own.
    var historyPlacesOutsideRun: [Coverage.EarlierPlace] {
        let linted = Set(reports.map(\.path))
        return Coverage.unique(reports.flatMap(\.coverage.history)).filter { !linted.contains($0.path) }
    }

    /// Every place not analyzed, with its line and column, in output order: those of the files
    /// linted, then those of their histories, each once.
    public var unanalyzedPlaces: [UnanalyzedPlace] { reports.flatMap(\.unanalyzedPlaces) + historyPlaces }

    /// The places in earlier migrations that the history replay could not read, once per run
    /// and not in a file the run lints, each naming the first file linted after it ("in the history of db/002_x.sql and 2 more
    /// files").
    public var historyPlaces: [UnanalyzedPlace] {
        var linted: [Coverage.EarlierPlace: [String]] = [:]
        for report in reports {
            for place in report.coverage.history { linted[place, default: []].append(report.path) }
        }
        return historyPlacesOutsideRun.map { place in
            let files = linted[place] ?? []
            let more = files.count > 1 ? " and \(files.count - 1) more file\(files.count == 2 ? "" : "s")" : ""
            let what = place.detail ?? "not replayed: \(place.reason)"
            return UnanalyzedPlace(path: place.path, line: place.line, column: place.column, reason: place.reason,
                                   detail: "\(what), in the history of \(files.first ?? "")\(more)", alreadyReported: false, text: place.text)
        }
    }
}

extension FileReport {
    /// The engine's own findings that name a statement it could not read.
    static let readingFindings: Set<String> = [EngineDiagnostics.syntaxError.id, EngineDiagnostics.psqlMetaCommand.id]

    public var unanalyzedPlaces: [UnanalyzedPlace] {
        // Most files have none: their findings are not gone through (the corpus's 1,453 reports,
        // each diagnostic copied to be filtered, were about 1 ms of the calling thread's time).
        guard !coverage.unanalyzed.isEmpty else { return [] }
        let reading = diagnostics.compactMap { Self.readingFindings.contains($0.ruleID) ? $0.range.lowerBound : nil }
        return coverage.unanalyzed.map { entry in
            let position = source.position(of: entry.range.lowerBound)
            let reported = reading.contains { entry.range.lowerBound <= $0 && $0 <= entry.range.upperBound }
            let end = min(entry.range.upperBound, source.count)
            let text = entry.range.lowerBound < end ? source.text(entry.range.lowerBound..<end) : ""
            return UnanalyzedPlace(path: path, line: position.line, column: position.column, reason: entry.reason,
                                   detail: entry.detail, alreadyReported: reported, text: text)
        }
    }
}
