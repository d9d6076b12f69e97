/// A token as PostgreSQL's scanner reads it, for pointing at a keyword (the INDEX where
/// CONCURRENTLY is missing) without guessing through strings and comments.
public struct Token: Sendable, Equatable {
    public let range: Range<Int>
    /// Upper-cased text when the token is a keyword, else nil.
    public let keyword: String?

    public init(range: Range<Int>, keyword: String?) {
        self.range = range
        self.keyword = keyword
    }
}
