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
            cases are not reported; nor is a trigger function (one that a CREATE TRIGGER of the file executes, one without arguments \
            dropped after a trigger was dropped or created in the same file, or one named like a trigger \
            function): no application calls it, and the DROP fails while a trigger still uses it. With CASCADE \
            it is reported, since the triggers that execute it are dropped with it. One finding per statement, \
            listing the functions. \
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
            RuleExample("DROP FUNCTION IF EXISTS ↓users_audit_trigger() CASCADE;"),
            RuleExample("DROP FUNCTION ↓find_matching_tenants(uuid), find_tenant_partitions(uuid);"),
        ],
        goodExamples: [
            RuleExample("DROP FUNCTION normalize_email(text);\nCREATE FUNCTION normalize_email(t text) RETURNS text LANGUAGE sql AS $$ SELECT lower(t) $$;",
                        inTransaction: true),
            RuleExample("CREATE FUNCTION app.\"Tmp\"() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;\nDROP FUNCTION app.\"Tmp\"();"),
            RuleExample("CREATE OR REPLACE FUNCTION calculate_total(n integer) RETURNS integer LANGUAGE sql AS $$ SELECT n $$;"),
            RuleExample("DROP TRIGGER IF EXISTS users_audit ON users;"),
            RuleExample("DROP TRIGGER IF EXISTS users_audit ON app.\"Users\";\nDROP FUNCTION IF EXISTS app.users_audit_fn();"),
            RuleExample("DROP FUNCTION compute_size(integer);\nCREATE FUNCTION compute_size(n bigint) RETURNS bigint LANGUAGE sql AS $$ SELECT n $$;"),
            RuleExample("DROP FUNCTION IF EXISTS update_modified_column_trigger();"),
            RuleExample("CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();\nDROP TRIGGER orders_touch ON orders;\nDROP FUNCTION app.touch_updated_at();"),
        ])

    /// What this rule reports dropping, built once rather than for every statement.
    static let kinds: Set<ObjectKind> = [.function, .procedure, .routine]
    static let kindKeywords = ["FUNCTION", "PROCEDURE", "ROUTINE"]

    public func check(_ context: RuleContext) -> [Finding] {
        guard case .drop(let drop) = context.statement, Self.kinds.contains(drop.kind) else { return [] }
        if isTriggerFunctionOfDroppedTrigger(context) { return [] }
        if drop.behavior == .cascade, drop.objects.allSatisfy({ TriggerFunctions.isTriggerFunction($0, context) }) {
            return triggerFunctionCascade(context, drop)
        }
        // A trigger function has no callers to break: without CASCADE the DROP fails while a
        // trigger still uses it; with CASCADE the triggers go too, which the note says.
        return Compatibility.dropFindings(context, kinds: Self.kinds, kindKeywords: Self.kindKeywords,
                                   ruleID: Self.documentation.id, silentWhenRecreated: true,
                                   unusedSinceEarlier: { context, name in
                                       drop.behavior != .cascade && TriggerFunctions.isTriggerFunction(name, context)
                                   },
                                   cascadeNote: { names in
                                       "CASCADE also drops every trigger that executes \(names) (those triggers stop firing on their tables) and every default or other object that uses it, without listing them"
                                   }) { name in
            "stop calling \(name) from the application (and from triggers and other functions) and deploy that release everywhere"
        }
    }

    /// `DROP FUNCTION trigger_fn() CASCADE`: no application calls it, but every trigger that
    /// executes it is dropped with it, on tables the statement does not name.
    func triggerFunctionCascade(_ context: RuleContext, _ drop: Drop) -> [Finding] {
        let reported = drop.objects.filter { !Compatibility.createdEarlier(context, $0, kinds: Self.kinds) }
        guard let first = reported.first else { return [] }
        let names = reported.map { context.state.resolve($0).qualified }.joined(separator: ", ")
        return [Finding(
            message: "dropping trigger function \(names) with CASCADE also drops every trigger that executes it, on tables this statement does not name",
            range: context.nameRange(first),
            notes: ["no application calls a trigger function; what changes is that its triggers stop firing"],
            help: "drop those triggers by name first (DROP TRIGGER ... ON table), so the migration shows which tables lose them; then drop the function without CASCADE")]
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

/// Trigger functions: called by their triggers only, never by the application.
enum TriggerFunctions {
    /// A CREATE TRIGGER of the file executes `name`, or the name says it is a trigger function
    /// (`*_trigger`, `trg_*`, `*_tg`, ...).
    static func isTriggerFunction(_ name: QualifiedName, _ context: RuleContext) -> Bool {
        namedLikeTrigger(name) || executedByTrigger(name, context)
    }

    static func namedLikeTrigger(_ name: QualifiedName) -> Bool {
        let lowered = name.name.lowercased()
        return lowered.contains("trigger") || lowered.hasPrefix("trg_") || lowered.hasSuffix("_trg")
            || lowered.hasPrefix("tg_") || lowered.hasSuffix("_tg")
    }

    /// `CREATE TRIGGER ... EXECUTE FUNCTION|PROCEDURE name(...)` somewhere in the file.
    static func executedByTrigger(_ name: QualifiedName, _ context: RuleContext) -> Bool {
        let target = context.state.resolve(name)
        for analysis in context.fileAnalyses {
            guard case .createTrigger? = analysis.statement else { continue }
            let tokens = SQLLexer.tokens(in: analysis.parsed.range, of: context.source)
            guard let execute = tokens.lastIndex(where: { $0.keyword == "EXECUTE" }), execute + 2 < tokens.count else { continue }
            var index = execute + 2
            var parts = [context.identifierName(tokens[index])]
            while index + 2 < tokens.count, context.isPunctuation(tokens[index + 1], ".") {
                index += 2
                parts.append(context.identifierName(tokens[index]))
            }
            let called = QualifiedName(parts: parts)
            if analysis.state.resolve(called) == target { return true }
        }
        return false
    }
}
