/// Takes long runs of `.sql` paths out of the command line before ArgumentParser sees it.
///
/// ArgumentParser spends time quadratic in the number of positional values (each one copies the
/// set of places seen so far): 1,500 paths, as `git diff --name-only | xargs` or the pre-commit
/// hook pass them, took 50 ms before any file was read. A `.sql` argument that follows another
/// plain argument (not an option, so not an option's value) is a path; those are handed to
/// `lint` directly. Short command lines go to ArgumentParser untouched.
struct PathArguments {
    var forParser: [String]
    var paths: [String] = []

    static let threshold = 64
    static let otherSubcommands: Set<String> = ["rules", "init", "explain", "help"]

    init(_ arguments: [String]) {
        forParser = arguments
        guard arguments.count > Self.threshold, let first = arguments.first, !Self.otherSubcommands.contains(first),
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
