import PostgresSyntax

/// PostgreSQL's function volatility categories (`xfunc.sgml`, "Function Volatility Categories").
public enum Volatility: Int, Sendable, Comparable {
    case immutable, stable, volatile

    /// From the word CREATE FUNCTION or the catalog (`provolatile`, spelled out) uses.
    public init?(named name: String) {
        switch name.lowercased() {
        case "immutable", "i": self = .immutable
        case "stable", "s": self = .stable
        case "volatile", "v": self = .volatile
        default: return nil
        }
    }

    public static func < (lhs: Volatility, rhs: Volatility) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The volatility of an expression: the worst of its parts, and the functions it assumed volatile
/// because the built-in table does not know them.
public struct VolatilityAnalysis: Sendable, Equatable {
    public var volatility: Volatility
    /// Functions not in the built-in table, treated as volatile.
    public var unknownFunctions: [String]
    /// Known volatile functions that were called (`clock_timestamp`, `nextval`).
    public var volatileFunctions: [String]
}

public enum VolatilityTable {
    /// Built-in functions that are stable: evaluated once per statement, so a default made of
    /// them is computed once and stored in the catalog (PG 11+ fast default).
    static let stable: Set<String> = [
        "now", "transaction_timestamp", "statement_timestamp", "current_setting", "current_database",
        "current_schema", "current_schemas", "current_user", "session_user", "to_char", "to_timestamp", "to_date",
        "age", "date_part", "extract", "timezone", "localtimestamp", "current_timestamp", "current_date",
        "pg_backend_pid", "version", "has_table_privilege", "txid_current_snapshot",
    ]

    /// Built-in functions that are immutable.
    static let immutable: Set<String> = [
        "lower", "upper", "length", "char_length", "character_length", "octet_length", "abs", "round", "trunc",
        "floor", "ceil", "ceiling", "coalesce", "nullif", "greatest", "least", "concat", "concat_ws", "substr",
        "substring", "replace", "trim", "btrim", "ltrim", "rtrim", "lpad", "rpad", "md5", "sha256", "sha512",
        "encode", "decode", "jsonb_build_object", "jsonb_build_array", "json_build_object", "json_build_array",
        "to_jsonb", "to_json", "array_length", "cardinality", "make_interval", "make_date", "make_time",
        "make_timestamp", "make_timestamptz", "date_trunc", "int4", "int8", "text", "numeric", "power", "sqrt",
        "mod", "gen_random_bytes_length", "uuid_nil", "uuid_ns_dns", "uuid_ns_url", "uuid_ns_oid", "uuid_ns_x500",
        "array", "row", "jsonb", "json", "bool", "float8", "float4", "split_part", "left", "right", "repeat",
        "reverse", "strpos", "position", "regexp_replace", "format", "quote_ident", "quote_literal",
    ]

    /// Built-in functions that are volatile, named so that the message can say "volatile" instead
    /// of "unknown".
    static let volatile: Set<String> = [
        "clock_timestamp", "timeofday", "random", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc",
        "uuid_generate_v4", "nextval", "currval", "lastval", "setval", "txid_current", "gen_random_bytes",
        "pg_current_xact_id", "random_normal", "uuid_generate_v7", "uuidv4", "uuidv7", "set_config",
    ]

    /// `known` gives the volatility of a function the schema shows (created by an earlier
    /// migration, earlier in the file, or read from the database), by its name as written.
    public static func analyze(_ expression: Expression, known: (_ name: [String]) -> Volatility? = { _ in nil }) -> VolatilityAnalysis {
        var result = VolatilityAnalysis(volatility: .immutable, unknownFunctions: [], volatileFunctions: [])
        visit(expression, known, &result)
        return result
    }

    private static func visit(_ expression: Expression, _ known: (_ name: [String]) -> Volatility?, _ result: inout VolatilityAnalysis) {
        switch expression {
        case .integer, .float, .string, .boolean, .null, .columnReference:
            break
        case .sqlValueFunction:
            result.volatility = max(result.volatility, .stable)
        case .functionCall(let name, let arguments, _):
            let function = name.last ?? ""
            let isBuiltinSchema = name.count == 1 || name.first == "pg_catalog" || name.first == "public"
            if isBuiltinSchema, stable.contains(function) {
                result.volatility = max(result.volatility, .stable)
            } else if isBuiltinSchema, immutable.contains(function) {
                // keep
            } else if isBuiltinSchema, volatile.contains(function) {
                result.volatility = .volatile
                result.volatileFunctions.append(function + "()")
            } else if let volatility = known(name) {
                result.volatility = max(result.volatility, volatility)
                if volatility == .volatile { result.volatileFunctions.append(name.joined(separator: ".") + "()") }
            } else {
                result.volatility = .volatile
                result.unknownFunctions.append(name.joined(separator: ".") + "()")
            }
            arguments.forEach { visit($0, known, &result) }
        case .typeCast(let inner, let type, _):
            // Casts of text to time types depend on the session (stable): 'now'::timestamptz.
            if ["timestamptz", "timestamp", "date", "time", "timetz", "interval"].contains(type.baseName),
               case .string = inner {
                result.volatility = max(result.volatility, .stable)
            }
            visit(inner, known, &result)
        case .binaryOperator(_, let left, let right, _):
            left.map { visit($0, known, &result) }
            right.map { visit($0, known, &result) }
        case .bool(_, let arguments, _):
            arguments.forEach { visit($0, known, &result) }
        case .nullTest(let inner, _, _):
            visit(inner, known, &result)
        case .other(let kind, let children, _):
            // A sub-select could read anything; treat it as volatile.
            if kind == "SubLink" {
                result.volatility = .volatile
                result.unknownFunctions.append("a sub-query")
            }
            children.forEach { visit($0, known, &result) }
        }
    }
}
