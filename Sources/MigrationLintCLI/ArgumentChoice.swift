import ArgumentParser

/// An option whose values are the raw values of an enum (`--format json`, `--color never`).
///
/// ArgumentParser's own defaults for such enums are generic: they find `CaseIterable`,
/// `RawRepresentable` and the raw value's conformances through the Swift runtime, which answers
/// each first question by scanning every conformance record in the binary (11,000 of them).
/// Spelled out once here, for each concrete enum, a one-file lint runs 1.0 M fewer instructions
/// of 24.7 M (docs/benchmarks.md, "Start-up"). Public only because public enums of the
/// libraries conform.
public protocol ArgumentChoice: ExpressibleByArgument, CaseIterable, RawRepresentable where RawValue == String {}

extension ArgumentChoice {
    public init?(argument: String) { self.init(rawValue: argument) }
    public var defaultValueDescription: String { rawValue }
    public static var allValueStrings: [String] { allCases.map { $0.rawValue } }
    public static var allValueDescriptions: [String: String] { [:] }
    public static var defaultCompletionKind: CompletionKind { .list(allValueStrings) }
}
