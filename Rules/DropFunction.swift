import LockModel
import MigrationLint
import PostgresSyntax

/// DROP FUNCTION / PROCEDURE of a routine the running release may call.
public struct DropFunction: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "drop-function",
        category: .compatibility,
        defaultSeverity: .warning,
        summary: "DROP FUNCTION breaks the release still running if it calls the function.",
        rationale: """
            From the commit on, every call of the dropped function or procedure fails, from application queries, \
            triggers, defaults and other functions alike (DROP refuses when a default or trigger depends on it, \
            unless CASCADE drops those too). Dropping to re-create with a different signature or return type is \
            harmless when the CREATE follows in the same transaction or in the very next statement, so those \
            cases are not reported; nor is a function without arguments dropped after a trigger was dropped or \
            created in the same file (a trigger's function, which no application calls). \
            A warning, not an error: dropping a function nobody calls any more is the normal end of a removal, acknowledged with an ignore comment.
            """,
        safeAlternative: """
            To change the body, use CREATE OR REPLACE FUNCTION. To change the signature, create the new function \
            next to the old one, move the callers, then drop the old one in a later migration.
            """,
        versionNotes: "PostgreSQL 10+ accepts DROP FUNCTION without an argument list when the name is unique.",
        badExamples: [
            RuleExample("DROP FUNCTION ↓calculate_total(integer);"),
            RuleExample("DROP TRIGGER IF EXISTS users_audit ON users;\nDROP FUNCTION ↓refresh_totals(integer);"),
            RuleExample("DROP PROCEDURE IF EXISTS ↓app.\"Archive\"(date) CASCADE;"),
            RuleExample("DROP FUNCTION ↓normalize_email;\nDROP FUNCTION ↓old_helper();\nCREATE FUNCTION normalize_email(t text) RETURNS text LANGUAGE sql AS $$ SELECT lower(t) $$;"),
            RuleExample(#"DROP FUNCTION /* the user's */ ↓calculate_total(integer) -- don't"#),
        ],
        goodExamples: [
            RuleExample("DROP FUNCTION normalize_email(text);\nCREATE FUNCTION normalize_email(t text) RETURNS text LANGUAGE sql AS $$ SELECT lower(t) $$;",
                        inTransaction: true),
            RuleExample("CREATE FUNCTION app.\"Tmp\"() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;\nDROP FUNCTION app.\"Tmp\"();"),
            RuleExample("CREATE OR REPLACE FUNCTION calculate_total(n integer) RETURNS integer LANGUAGE sql AS $$ SELECT n $$;"),
            RuleExample("DROP TRIGGER IF EXISTS users_audit ON users;"),
            RuleExample("DROP TRIGGER IF EXISTS users_audit ON app.\"Users\";\nDROP FUNCTION IF EXISTS app.users_audit_fn();"),
            RuleExample("DROP FUNCTION compute_size(integer);\nCREATE FUNCTION compute_size(n bigint) RETURNS bigint LANGUAGE sql AS $$ SELECT n $$;"),
        ])

    /// What this rule reports dropping, built once rather than for every statement.
    static let kinds: Set<ObjectKind> = [.function, .procedure, .routine]
    static let kindKeywords = ["FUNCTION", "PROCEDURE", "ROUTINE"]

    public func check(_ context: RuleContext) -> [Finding] {
        if isTriggerFunctionOfDroppedTrigger(context) { return [] }
        return Compatibility.dropFindings(context, kinds: Self.kinds, kindKeywords: Self.kindKeywords,
                                   ruleID: Self.documentation.id, silentWhenRecreated: true) { name in
            "stop calling \(name) from the application (and from triggers and other functions) and deploy that release everywhere"
        }
    }

    /// `DROP TRIGGER t ON x; DROP FUNCTION t_fn();`: a trigger function (it takes no arguments)
    /// dropped after a trigger in the same file is the trigger's own, which no application calls.
    func isTriggerFunctionOfDroppedTrigger(_ context: RuleContext) -> Bool {
        guard case .drop(let drop) = context.statement, drop.kind == .function else { return false }
        // CREATE OR REPLACE TRIGGER moves a trigger to another function just as DROP TRIGGER frees it.
        let triggerDropped = context.earlierStatements.contains {
            switch $0.statement {
            case .drop(let earlier)?: return earlier.kind == .trigger
            case .createTrigger?: return true
            default: return false
            }
        }
        guard triggerDropped else { return false }
        let texts = context.tokens.map { context.source.text($0.range) }
        // Every dropped function is written with an empty argument list.
        let emptyLists = zip(texts, texts.dropFirst()).filter { $0 == "(" && $1 == ")" }.count
        return emptyLists == drop.objects.count && texts.filter { $0 == "(" }.count == emptyLists
    }
}
