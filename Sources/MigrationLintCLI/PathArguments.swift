/// Takes long runs of `.sql` paths out of the command line before ArgumentParser sees it.
///
/// ArgumentParser 1.8.2 spends time quadratic in the number of values of one positional
/// argument (each value copies the array of those before it): 5,000 paths, as
/// `git diff --name-only | xargs` or the pre-commit hook pass them, took seconds before any file
/// was read (docs/benchmarks.md). A `.sql` argument that follows another plain argument (not an
/// option, so not an option's value) is a path; those are handed to `lint` directly. Short
/// command lines, and any with `--`, go to ArgumentParser untouched.
struct PathArguments {
    var forParser: [String]
    var paths: [String] = []

    static let threshold = 64

    init(_ arguments: [String], otherCommands: Set<String>) {
        forParser = arguments
        guard arguments.count > Self.threshold, let first = arguments.first, !otherCommands.contains(first),
              !arguments.contains("--") else { return }
        forParser = [first]
        for (previous, argument) in zip(arguments, arguments.dropFirst()) {
            if argument.hasSuffix(".sql"), !argument.hasPrefix("-"), !previous.hasPrefix("-") {
                paths.append(argument)
            } else {
                forParser.append(argument)
            }
        }
    }
}
