import Foundation
import MigrationLint

/// The code actions offered for one diagnostic: its machine-applicable fix, a suppression
/// comment with a reason to fill in, and the suggested rewrite as a comment to paste from.
enum CodeActions {
    struct Action {
        let title: String
        let kind: String
        let edits: [Edit]
        var isPreferred = false
    }

    /// What the suppression comment says until the user writes the reason.
    static let reasonPlaceholder = "TODO: say why this is safe here"

    static func actions(for diagnostic: Diagnostic, in document: OpenDocument) -> [Action] {
        var actions: [Action] = []
        if let fix = diagnostic.fix, !fix.edits.isEmpty {
            actions.append(Action(title: fix.message, kind: "quickfix", edits: fix.edits, isPreferred: true))
        }
        // Comments are SQL comments: only in SQL files, and only before a statement of the file.
        guard let result = document.result, result.file?.origin == nil,
              let statement = result.statement(at: diagnostic.range.lowerBound) else { return actions }
        let start = result.statementRanges[statement].lowerBound
        if let plan = diagnostic.rewrite {
            let lines = ["Suggested rewrite for \(diagnostic.ruleID) (migration-lint):"]
                + plan.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            actions.append(Action(title: "Insert the suggested rewrite for \(diagnostic.ruleID) as a comment", kind: "refactor.rewrite",
                                  edits: [commentEdit(lines, before: start, in: document.text)]))
        }
        if diagnostic.ruleID != EngineDiagnostics.unusedIgnore.id, diagnostic.ruleID != "configuration", diagnostic.ruleID != "input" {
            actions.append(Action(title: "Ignore \(diagnostic.ruleID) for this statement (with a reason)", kind: "quickfix",
                                  edits: [commentEdit(["migration-lint-ignore: \(diagnostic.ruleID) \(reasonPlaceholder)"],
                                                      before: start, in: document.text)]))
        }
        return actions
    }

    /// `-- ` comment lines inserted before the statement starting at `start`, indented like
    /// it; on a line of their own even when the statement shares its line with another.
    static func commentEdit(_ lines: [String], before start: Int, in text: TextDocument) -> Edit {
        let lineStart = text.lineStarts[text.line(of: start)]
        let prefix = text.bytes[lineStart..<start]
        let indentation = prefix.allSatisfy { $0 == 32 || $0 == 9 } ? String(decoding: prefix, as: UTF8.self) : nil
        let comment = lines.map { (indentation ?? "") + ("-- " + $0).trimmingCharacters(in: .whitespaces) }.joined(separator: "\n") + "\n"
        if indentation != nil { return Edit(range: lineStart..<lineStart, replacement: comment) }
        return Edit(range: start..<start, replacement: "\n" + comment)
    }
}

/// `file://` URIs and paths, as LSP clients send them (percent-encoded).
enum DocumentURI {
    static func path(_ uri: String) -> String {
        guard uri.hasPrefix("file://"), let url = URL(string: uri) else {
            // An untitled buffer or another scheme: its last component stands for the path.
            return uri.split(separator: "/").last.map(String.init) ?? uri
        }
        return url.path
    }

    static func uri(_ path: String) -> String {
        URL(fileURLWithPath: path).absoluteString
    }
}
