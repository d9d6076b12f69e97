import Foundation

/// What `migration-lint snapshot` reads from a database's catalog: its schema and the size of
/// each table, never a row of data. Written as versioned JSON; `lint --snapshot` reads it back
/// (the input layer reads the file, the core only decodes and uses the value).
public struct DatabaseSnapshot: Codable, Sendable, Equatable {
    /// The format this build writes and the newest it reads.
    public static let currentFormatVersion = 1

    public var formatVersion: Int
    /// `server_version`, as the server says it ("15.18 (Debian 15.18-0+deb12u1)").
    public var serverVersion: String
    /// `server_version_num` (150018).
    public var serverVersionNumber: Int
    public var tables: [Table]
    public var enums: [EnumType]
    public var domains: [Domain]
    public var views: [View]
    public var functions: [Function]

    public init(formatVersion: Int = DatabaseSnapshot.currentFormatVersion, serverVersion: String, serverVersionNumber: Int,
                tables: [Table] = [], enums: [EnumType] = [], domains: [Domain] = [], views: [View] = [], functions: [Function] = []) {
        self.formatVersion = formatVersion
        self.serverVersion = serverVersion
        self.serverVersionNumber = serverVersionNumber
        self.tables = tables
        self.enums = enums
        self.domains = domains
        self.views = views
        self.functions = functions
    }

    /// The server's major version (15 for 150018; 9 for 9.6's 90624).
    public var serverMajorVersion: Int { serverVersionNumber / 10000 }

    public struct Table: Codable, Sendable, Equatable {
        public var schema: String
        public var name: String
        /// `PARTITION BY ...` of a partitioned table (`pg_get_partkeydef`).
        public var partitionKey: String?
        /// The partitioned table this one is a partition of, qualified, and its bound.
        public var partitionOf: String?
        public var partitionBound: String?
        public var columns: [Column]
        public var constraints: [Constraint]
        public var indexes: [Index]
        /// `pg_class.reltuples`: the planner's estimate; nil when the table was never vacuumed or
        /// analysed (then `liveRows`, from the statistics views, is the estimate).
        public var estimatedRows: Double?
        /// `pg_stat_all_tables.n_live_tup`.
        public var liveRows: Int?
        /// `pg_class.relpages` (8 kB pages, as of the last VACUUM or ANALYZE).
        public var pages: Int
        /// `pg_relation_size`, `pg_indexes_size`, and the TOAST table's `pg_total_relation_size`.
        public var tableBytes: Int
        public var indexBytes: Int
        public var toastBytes: Int

        public init(schema: String, name: String, partitionKey: String? = nil, partitionOf: String? = nil, partitionBound: String? = nil,
                    columns: [Column] = [], constraints: [Constraint] = [], indexes: [Index] = [], estimatedRows: Double? = nil,
                    liveRows: Int? = nil, pages: Int = 0, tableBytes: Int = 0, indexBytes: Int = 0, toastBytes: Int = 0) {
            self.schema = schema
            self.name = name
            self.partitionKey = partitionKey
            self.partitionOf = partitionOf
            self.partitionBound = partitionBound
            self.columns = columns
            self.constraints = constraints
            self.indexes = indexes
            self.estimatedRows = estimatedRows
            self.liveRows = liveRows
            self.pages = pages
            self.tableBytes = tableBytes
            self.indexBytes = indexBytes
            self.toastBytes = toastBytes
        }

        public var qualifiedName: String { schema + "." + name }
        /// The best estimate of its rows: `reltuples`, else the statistics views' live rows.
        public var rows: Double? { estimatedRows ?? liveRows.map(Double.init) }
    }

    public struct Column: Codable, Sendable, Equatable {
        public var name: String
        /// `format_type(atttypid, atttypmod)`: `character varying(20)`, `public.mood`.
        public var type: String
        public var notNull: Bool
        /// `pg_get_expr(adbin, adrelid)`.
        public var defaultExpression: String?
        /// `a` for GENERATED ALWAYS AS IDENTITY, `d` for BY DEFAULT; `s` for a stored generated column.
        public var identity: String?
        public var generated: String?

        public init(name: String, type: String, notNull: Bool, defaultExpression: String? = nil, identity: String? = nil, generated: String? = nil) {
            self.name = name
            self.type = type
            self.notNull = notNull
            self.defaultExpression = defaultExpression
            self.identity = identity
            self.generated = generated
        }
    }

    public struct Constraint: Codable, Sendable, Equatable {
        public var name: String
        /// `pg_constraint.contype`: p, u, f, c, x, t.
        public var kind: String
        /// `pg_get_constraintdef` (ends in NOT VALID when not validated).
        public var definition: String
        public var validated: Bool

        public init(name: String, kind: String, definition: String, validated: Bool) {
            self.name = name
            self.kind = kind
            self.definition = definition
            self.validated = validated
        }
    }

    public struct Index: Codable, Sendable, Equatable {
        public var name: String
        /// `pg_get_indexdef`: the whole CREATE INDEX statement, qualified.
        public var definition: String
        public var isUnique: Bool
        public var isValid: Bool
        /// Made by a PRIMARY KEY, UNIQUE or EXCLUDE constraint (and so by its ADD CONSTRAINT).
        public var backsConstraint: Bool
        public var bytes: Int

        public init(name: String, definition: String, isUnique: Bool, isValid: Bool, backsConstraint: Bool, bytes: Int) {
            self.name = name
            self.definition = definition
            self.isUnique = isUnique
            self.isValid = isValid
            self.backsConstraint = backsConstraint
            self.bytes = bytes
        }
    }

    public struct EnumType: Codable, Sendable, Equatable {
        public var schema: String
        public var name: String
        public var labels: [String]
        public init(schema: String, name: String, labels: [String]) {
            self.schema = schema
            self.name = name
            self.labels = labels
        }
    }

    public struct Domain: Codable, Sendable, Equatable {
        public var schema: String
        public var name: String
        public var baseType: String
        public var notNull: Bool
        /// `pg_get_constraintdef` of each CHECK.
        public var checks: [String]
        public init(schema: String, name: String, baseType: String, notNull: Bool, checks: [String]) {
            self.schema = schema
            self.name = name
            self.baseType = baseType
            self.notNull = notNull
            self.checks = checks
        }
    }

    public struct View: Codable, Sendable, Equatable {
        public var schema: String
        public var name: String
        public var materialized: Bool
        /// `pg_get_viewdef`.
        public var definition: String
        public init(schema: String, name: String, materialized: Bool, definition: String) {
            self.schema = schema
            self.name = name
            self.materialized = materialized
            self.definition = definition
        }
    }

    public struct Function: Codable, Sendable, Equatable {
        public var schema: String
        public var name: String
        /// `pg_get_function_identity_arguments`.
        public var arguments: String
        /// `immutable`, `stable` or `volatile`.
        public var volatility: String
        /// `function`, `procedure`, `aggregate` or `window`.
        public var kind: String
        public init(schema: String, name: String, arguments: String, volatility: String, kind: String) {
            self.schema = schema
            self.name = name
            self.arguments = arguments
            self.volatility = volatility
            self.kind = kind
        }
    }
}

extension DatabaseSnapshot {
    /// Why a snapshot's bytes cannot be read; the input layer adds the path.
    public enum DecodingProblem: Error, Equatable, CustomStringConvertible {
        case malformed(String)
        case newerFormat(Int)

        public var description: String {
            switch self {
            case .malformed(let detail): return "not a migration-lint snapshot: \(detail)"
            case .newerFormat(let version):
                return "snapshot format version \(version) is newer than this migration-lint reads (\(DatabaseSnapshot.currentFormatVersion)): upgrade migration-lint, or take the snapshot with this version"
            }
        }
    }

    /// The snapshot's stable JSON: sorted keys, so that two snapshots of one schema diff cleanly.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(UInt8(ascii: "\n"))
        return data
    }

    /// Decodes a snapshot, checking its format version before anything else.
    public static func decode(_ data: Data) throws -> DatabaseSnapshot {
        struct Header: Decodable { var formatVersion: Int }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: data)
        } catch {
            throw DecodingProblem.malformed(Self.describe(error))
        }
        guard header.formatVersion <= currentFormatVersion else { throw DecodingProblem.newerFormat(header.formatVersion) }
        guard header.formatVersion >= 1 else { throw DecodingProblem.malformed("format version \(header.formatVersion) does not exist") }
        do {
            return try JSONDecoder().decode(DatabaseSnapshot.self, from: data)
        } catch {
            throw DecodingProblem.malformed(Self.describe(error))
        }
    }

    private static func describe(_ error: Error) -> String {
        func path(_ keys: [CodingKey]) -> String {
            keys.isEmpty ? "the top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined()
        }
        switch error {
        case DecodingError.keyNotFound(let key, let context): return "missing `\(key.stringValue)` at \(path(context.codingPath))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "wrong type at \(path(context.codingPath)): \(context.debugDescription)"
        case DecodingError.dataCorrupted(let context):
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return "invalid JSON" + (underlying.map { ": \($0)" } ?? "")
        default: return "\(error)"
        }
    }
}
