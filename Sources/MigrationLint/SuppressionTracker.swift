import Foundation
import LockModel
import PostgresSyntax

/// Applies `migration-lint-ignore` comments and reports those that silence nothing.
struct SuppressionTracker {
    private var byStatement: [Int: [(suppression: Suppression, used: Set<String>)]] = [:]
    private var fileWide: [(suppression: Suppression, used: Set<String>)] = []
    private let knownRuleIDs: Set<String>

    init(statements: [ParsedStatement], knownRuleIDs: Set<String>, squawkCompat: Bool = false) {
        self.knownRuleIDs = knownRuleIDs
        for (index, statement) in statements.enumerated() {
            for comment in statement.comments {
                guard let suppression = Suppression.parse(comment, squawkCompat: squawkCompat) else { continue }
                switch suppression.scope {
                case .file:
                    fileWide.append((suppression, []))
                case .nextStatement:
                    // Only comments before the statement (its leading trivia) apply to it.
                    if comment.range.upperBound <= statement.range.lowerBound {
                        byStatement[index, default: []].append((suppression, []))
                    }
                }
            }
        }
    }

    mutating func suppresses(_ ruleID: String, statement: Int?) -> Bool {
        if let statement, let entries = byStatement[statement] {
            for (k, entry) in entries.enumerated() where entry.suppression.covers(ruleID) {
                byStatement[statement]![k].used.insert(ruleID)
                return true
            }
        }
        for (k, entry) in fileWide.enumerated() where entry.suppression.covers(ruleID) {
            fileWide[k].used.insert(ruleID)
            return true
        }
        return false
    }

    func unusedFindings(enabledRuleIDs: Set<String>) -> [Finding] {
        var findings: [Finding] = []
        let all = byStatement.keys.sorted().flatMap { byStatement[$0]! } + fileWide
        for entry in all {
            let suppression = entry.suppression
            if let names = suppression.squawkNames {
                findings += unusedSquawkFindings(suppression, names: names, used: entry.used, enabledRuleIDs: enabledRuleIDs)
                continue
            }
            if suppression.ruleIDs.isEmpty {
                findings.append(Finding(message: "migration-lint-ignore names no rule", range: suppression.range,
                                        help: "write the rule ids after the colon: `-- migration-lint-ignore: rule-id reason`"))
                continue
            }
            for id in suppression.ruleIDs where !entry.used.contains(id) {
                if !knownRuleIDs.contains(id) {
                    let suggestion = closestMatch(to: id, in: knownRuleIDs).map { "; did you mean `\($0)`?" } ?? ""
                    findings.append(Finding(message: "unknown rule `\(id)` in migration-lint-ignore\(suggestion)", range: suppression.range))
                } else if enabledRuleIDs.contains(id) {
                    let target = suppression.scope == .file ? "this file" : "the next statement"
                    findings.append(Finding(message: "migration-lint-ignore for `\(id)` silences nothing in \(target)", range: suppression.range,
                                            help: "remove `\(id)` from the comment"))
                }
            }
        }
        return findings
    }
}

extension SuppressionTracker {
    /// A squawk comment is used when any MigrationLint counterpart of any of its names silenced
    /// a finding; names squawk does not know, or without a counterpart, are said.
    func unusedSquawkFindings(_ suppression: Suppression, names: [String], used: Set<String>,
                              enabledRuleIDs: Set<String>) -> [Finding] {
        let comment = suppression.scope == .file ? "squawk-ignore-file" : "squawk-ignore"
        let target = suppression.scope == .file ? "this file" : "the next statement"
        if names.isEmpty {
            return used.isEmpty ? [Finding(message: "\(comment) silences nothing in \(target)", range: suppression.range,
                                           help: "remove the comment")] : []
        }
        var findings: [Finding] = []
        for name in names {
            guard let ids = SquawkRules.counterpart(of: name) else {
                let suggestion = name.contains(" ") ? "; separate rule names with commas"
                    : closestMatch(to: name, in: SquawkRules.counterparts.map(\.key)).map { "; did you mean `\($0)`?" } ?? ""
                findings.append(Finding(message: "unknown squawk rule `\(name)` in \(comment)\(suggestion)", range: suppression.range))
                continue
            }
            if ids.isEmpty {
                findings.append(Finding(message: "squawk rule `\(name)` has no MigrationLint counterpart: \(comment) for it silences nothing",
                                        range: suppression.range, help: "remove `\(name)` from the comment"))
            } else if used.isDisjoint(with: ids), !enabledRuleIDs.isDisjoint(with: ids) {
                findings.append(Finding(message: "\(comment) for `\(name)` (MigrationLint's \(ids.map { "`\($0)`" }.joined(separator: ", "))) silences nothing in \(target)",
                                        range: suppression.range, help: "remove `\(name)` from the comment"))
            }
        }
        return findings
    }
}
