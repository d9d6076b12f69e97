import Foundation

/// `migration-lint lsp`: a Language Server Protocol 3.17 server over a pair of streams
/// (standard input and output), for migration files.
///
/// One thread reads and frames the input; one server thread, with a stack large enough for
/// libpg_query's recursion, handles the messages in order and lints each changed document once
/// the client has been quiet for `debounce`. Every request that needs a document's analysis
/// (hover, code actions, symbols) sees the document's current text.
public final class LanguageServer {
    public struct Options: Sendable {
        /// The quiet time after a change before the document is linted again.
        public var debounce: TimeInterval = 0.010
        /// Where the pages that diagnostics link to (`codeDescription`) are written: each is what
        /// `migration-lint rules ID` prints. Default: the user's cache directory.
        public var ruleDocumentationDirectory: String?
        /// Reported to the client in `serverInfo`.
        public var version: String = "0.1.0"
        /// The directory the configuration is searched from when the client names no workspace.
        public var workingDirectory: String = FileManager.default.currentDirectoryPath

        public init() {}
    }

    private let input: FileHandle
    private let output: FileHandle
    private let options: Options

    public init(input: FileHandle, output: FileHandle, options: Options = Options()) {
        self.input = input
        self.output = output
        self.options = options
    }

    /// Serves until the client sends `exit` or closes the input. The exit code follows the
    /// protocol: 0 after `shutdown` then `exit`, else 1.
    public func run() -> Int32 {
        let inbox = Inbox()
        let writer = MessageWriter(output)
        InputReader(input, inbox: inbox).start()
        let session = Session(writer: writer, options: options)
        let finished = DispatchSemaphore(value: 0)
        let thread = Thread {
            session.serve(inbox)
            finished.signal()
        }
        thread.name = "migration-lint-lsp"
        // libpg_query recurses as deep as a statement nests, as in the CLI's workers.
        thread.stackSize = 64 << 20
        thread.start()
        finished.wait()
        return session.exitCode ?? 1
    }
}
