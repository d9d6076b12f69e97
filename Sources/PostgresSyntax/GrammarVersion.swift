import CPgQuery

/// The PostgreSQL release whose grammar the bundled libpg_query reads, from libpg_query's own
/// header: statements of newer releases may not parse.
public enum GrammarVersion {
    /// For example "15.1".
    public static let text: String = PG_VERSION
    /// For example 15.
    public static let major: Int = Int(PG_VERSION_NUM) / 10_000
}
