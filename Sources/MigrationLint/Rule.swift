/// A lint rule: a small value with its description and its check.
public protocol Rule: Sendable {
    /// The rules of this package return a static value here, so that a rule is an empty value:
    /// the engine calls every rule on every statement, and copying a rule that held its
    /// documentation cost a retain each time.
    var description: RuleDescription { get }
    /// Findings for one statement, in the context the engine built.
    func check(_ context: RuleContext) -> [Finding]
    /// Findings that need the whole file (an unfinished transaction); default none.
    func finish(_ context: FileContext) -> [Finding]
}

extension Rule {
    public var id: String { description.id }
    public func finish(_ context: FileContext) -> [Finding] { [] }
}
