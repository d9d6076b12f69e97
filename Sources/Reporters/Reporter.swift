import MigrationLint
import PostgresSyntax

/// One output format.
public protocol Reporter: Sendable {
    func render(_ result: LintResult) -> String
    /// The format as a `PerFileReporter`, if it is one. Asked instead of casting: the first
    /// dynamic cast to a protocol walks all 11,000 conformance records of the binary, a tenth of
    /// a millisecond of every run.
    var perFile: (any PerFileReporter)? { get }
}

extension Reporter {
    public var perFile: (any PerFileReporter)? { nil }
}

extension PerFileReporter {
    public var perFile: (any PerFileReporter)? { self }
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
