import Foundation
import MigrationInput
import MigrationLint
import MigrationLintRules

/// JSON-RPC and LSP error codes.
enum ErrorCode {
    static let parseError = -32700
    static let invalidRequest = -32600
    static let methodNotFound = -32601
    static let invalidParams = -32602
    static let internalError = -32603
    static let serverNotInitialized = -32002
}

/// A request the server cannot answer with a result.
struct ResponseError: Error {
    let code: Int
    let message: String
}

/// The server's state and its handlers. Lives on the server thread only.
final class Session: @unchecked Sendable {
    private let writer: MessageWriter
    private let options: LanguageServer.Options
    private var initialized = false
    private var shuttingDown = false
    /// Set by `exit`; read once the server thread has finished.
    private(set) var exitCode: Int32?

    private var rootPath: String?
    private var hierarchicalSymbols = false
    private var watchRegistration = false
    private var debounce: TimeInterval
    private var ruleDocumentationDirectory: String?
    private var nextOutgoingID = 1

    private var workspace: Workspace
    private var documents: [String: OpenDocument] = [:]
    /// Documents to lint, and when: the last change plus the debounce.
    private var due: [String: Date] = [:]

    init(writer: MessageWriter, options: LanguageServer.Options) {
        self.writer = writer
        self.options = options
        debounce = options.debounce
        ruleDocumentationDirectory = options.ruleDocumentationDirectory
        workspace = Workspace(configurationSearchStart: options.workingDirectory)
    }

    // MARK: the loop

    func serve(_ inbox: Inbox) {
        while exitCode == nil {
            let deadline = due.values.min()
            if let item = inbox.take(before: deadline) {
                switch item {
                case .end: return
                case .malformed(let code, let message, let id):
                    writer.send(["jsonrpc": "2.0", "id": id, "error": ["code": .int(code), "message": .string(message)]])
                case .message(let message): handle(message)
                }
                // Every queued change first: rapid edits make one lint, of the last text.
                if inbox.hasPending { continue }
            }
            lintDueDocuments()
        }
    }

    private func lintDueDocuments() {
        let now = Date()
        for (uri, time) in due where time <= now {
            due[uri] = nil
            guard var document = documents[uri] else { continue }
            document.refresh(workspace)
            documents[uri] = document
            publish(document)
        }
    }

    // MARK: dispatch

    private func handle(_ message: JSON) {
        guard let method = message["method"].string else { return } // a response to our request
        let id = message["id"]
        let isRequest = message.object?["id"] != nil
        let params = message["params"]
        if isRequest {
            do {
                let result = try respond(to: method, params)
                writer.send(["jsonrpc": "2.0", "id": id, "result": result])
            } catch let error as ResponseError {
                writer.send(["jsonrpc": "2.0", "id": id, "error": ["code": .int(error.code), "message": .string(error.message)]])
            } catch {
                writer.send(["jsonrpc": "2.0", "id": id,
                             "error": ["code": .int(ErrorCode.internalError), "message": .string("\(error)")]])
            }
        } else {
            notify(method, params)
        }
    }

    private func respond(to method: String, _ params: JSON) throws -> JSON {
        if method == "initialize" { return initialize(params) }
        guard initialized else { throw ResponseError(code: ErrorCode.serverNotInitialized, message: "initialize first") }
        if shuttingDown { throw ResponseError(code: ErrorCode.invalidRequest, message: "the server is shutting down") }
        switch method {
        case "shutdown":
            shuttingDown = true
            return .null
        case "textDocument/hover": return try hover(params)
        case "textDocument/codeAction": return try codeActions(params)
        case "textDocument/documentSymbol": return try documentSymbols(params)
        default: throw ResponseError(code: ErrorCode.methodNotFound, message: "unsupported method \(method)")
        }
    }

    private func notify(_ method: String, _ params: JSON) {
        if method == "exit" {
            exitCode = shuttingDown ? 0 : 1
            return
        }
        guard initialized, !shuttingDown else { return }
        switch method {
        case "initialized": registerConfigurationWatcher()
        case "textDocument/didOpen": didOpen(params)
        case "textDocument/didChange": didChange(params)
        case "textDocument/didClose": didClose(params)
        case "workspace/didChangeWatchedFiles": configurationChanged(params)
        default: break // `$/cancelRequest`, `$/setTrace`, didSave: nothing to do
        }
    }

    // MARK: lifecycle

    private func initialize(_ params: JSON) -> JSON {
        initialized = true
        if let uri = params["workspaceFolders"].array?.first?["uri"].string ?? params["rootUri"].string {
            rootPath = DocumentURI.path(uri)
        } else if let path = params["rootPath"].string {
            rootPath = path
        }
        let capabilities = params["capabilities"]
        hierarchicalSymbols = capabilities["textDocument"]["documentSymbol"]["hierarchicalDocumentSymbolSupport"].bool ?? false
        watchRegistration = capabilities["workspace"]["didChangeWatchedFiles"]["dynamicRegistration"].bool ?? false
        let settings = params["initializationOptions"]
        if let milliseconds = settings["debounceMilliseconds"].int, milliseconds >= 0 {
            debounce = TimeInterval(milliseconds) / 1000
        }
        if let directory = settings["ruleDocumentationDirectory"].string { ruleDocumentationDirectory = directory }
        workspace = Workspace(configurationSearchStart: rootPath ?? options.workingDirectory, root: rootPath)
        workspace.loadConfiguration()
        return [
            "capabilities": [
                "positionEncoding": "utf-16",
                "textDocumentSync": ["openClose": true, "change": 2],
                "hoverProvider": true,
                "documentSymbolProvider": true,
                "codeActionProvider": ["codeActionKinds": ["quickfix", "refactor.rewrite"]],
                // Not a formatter: no documentFormattingProvider.
            ],
            "serverInfo": ["name": "migration-lint", "version": .string(options.version)],
        ]
    }

    private func registerConfigurationWatcher() {
        publishConfigurationProblem()
        guard watchRegistration else { return }
        let globs = ConfigurationFile.fileNames.map { JSON.object(["globPattern": .string("**/" + $0)]) }
        writer.send([
            "jsonrpc": "2.0", "id": .int(nextOutgoingID), "method": "client/registerCapability",
            "params": ["registrations": [[
                "id": "migration-lint-configuration", "method": "workspace/didChangeWatchedFiles",
                "registerOptions": ["watchers": .array(globs)],
            ]]],
        ])
        nextOutgoingID += 1
    }

    // MARK: documents

    private func didOpen(_ params: JSON) {
        let item = params["textDocument"]
        guard let uri = item["uri"].string, let text = item["text"].string else { return }
        let path = workspace.path(ofURI: uri)
        documents[uri] = OpenDocument(uri: uri, path: path, version: item["version"].int ?? 0, text: TextDocument(text),
                                      isSQL: path.lowercased().hasSuffix(".sql") || item["languageId"].string == "sql")
        due[uri] = Date() // no debounce: the user just opened it
    }

    private func didChange(_ params: JSON) {
        guard let uri = params["textDocument"]["uri"].string, var document = documents[uri] else { return }
        for change in params["contentChanges"].array ?? [] {
            guard let text = change["text"].string else { continue }
            let range = change["range"]
            if range.isNull {
                document.text.replace(range: nil, with: text)
            } else {
                document.text.replace(range: (Self.position(range["start"]), Self.position(range["end"])), with: text)
            }
        }
        document.version = params["textDocument"]["version"].int ?? document.version + 1
        document.result = nil
        documents[uri] = document
        due[uri] = Date().addingTimeInterval(debounce)
    }

    private func didClose(_ params: JSON) {
        guard let uri = params["textDocument"]["uri"].string else { return }
        documents[uri] = nil
        due[uri] = nil
        writer.send(["jsonrpc": "2.0", "method": "textDocument/publishDiagnostics",
                     "params": ["uri": .string(uri), "diagnostics": []]])
    }

    private func configurationChanged(_ params: JSON) {
        let names = Set(ConfigurationFile.fileNames)
        let changes = params["changes"].array ?? []
        guard changes.isEmpty || changes.contains(where: { change in
            names.contains(URL(fileURLWithPath: DocumentURI.path(change["uri"].string ?? "")).lastPathComponent)
        }) else { return }
        let previousPath = workspace.configurationPath
        workspace.loadConfiguration()
        if let previousPath, previousPath != workspace.configurationPath {
            writer.send(["jsonrpc": "2.0", "method": "textDocument/publishDiagnostics",
                         "params": ["uri": .string(DocumentURI.uri(previousPath)), "diagnostics": []]])
        }
        publishConfigurationProblem()
        let now = Date()
        for uri in documents.keys {
            documents[uri]?.result = nil
            due[uri] = now
        }
    }

    /// A configuration file that cannot be read gets the error as a diagnostic of its own, so
    /// that the editor says what the CLI would. No configuration, or a valid one: none.
    private func publishConfigurationProblem() {
        guard let path = workspace.configurationPath else { return }
        var diagnostics: [JSON] = []
        if let error = workspace.configurationError {
            let line = max(0, (error.line ?? 1) - 1)
            let character = max(0, (error.column ?? 1) - 1)
            let position: JSON = ["line": .int(line), "character": .int(character)]
            diagnostics.append(["range": ["start": position, "end": position], "severity": 1, "source": "migration-lint",
                                "code": "configuration", "message": .string(error.message)])
        }
        writer.send(["jsonrpc": "2.0", "method": "textDocument/publishDiagnostics",
                     "params": ["uri": .string(DocumentURI.uri(path)), "diagnostics": .array(diagnostics)]])
    }

    /// The document with a result for its current text.
    private func current(_ params: JSON) throws -> OpenDocument {
        guard let uri = params["textDocument"]["uri"].string, var document = documents[uri] else {
            throw ResponseError(code: ErrorCode.invalidParams, message: "the document is not open")
        }
        if document.result == nil {
            document.refresh(workspace)
            documents[uri] = document
            // Linted ahead of its debounce: publish now, and not again when it falls due.
            if due.removeValue(forKey: uri) != nil { publish(document) }
        }
        return document
    }

    private func publish(_ document: OpenDocument) {
        let diagnostics = document.result?.diagnostics.map { lspDiagnostic($0, in: document) } ?? []
        writer.send(["jsonrpc": "2.0", "method": "textDocument/publishDiagnostics",
                     "params": ["uri": .string(document.uri), "version": .int(document.version), "diagnostics": .array(diagnostics)]])
    }

    // MARK: conversions

    static func position(_ json: JSON) -> (line: Int, character: Int) {
        (json["line"].int ?? 0, json["character"].int ?? 0)
    }

    static func range(_ range: Range<Int>, in text: TextDocument) -> JSON {
        let start = text.position(of: range.lowerBound), end = text.position(of: range.upperBound)
        return ["start": ["line": .int(start.line), "character": .int(start.character)],
                "end": ["line": .int(end.line), "character": .int(end.character)]]
    }

    private func lspDiagnostic(_ diagnostic: Diagnostic, in document: OpenDocument) -> JSON {
        var message = diagnostic.message
        for note in diagnostic.notes { message += "\nnote: " + note }
        if let help = diagnostic.help { message += "\nhelp: " + help }
        var json: [String: JSON] = [
            "range": Self.range(diagnostic.range, in: document.text),
            "severity": .int(diagnostic.severity == .error ? 1 : diagnostic.severity == .warning ? 2 : 3),
            "source": "migration-lint",
            "code": .string(diagnostic.ruleID),
            "message": .string(message),
        ]
        if let href = ruleDocumentation(diagnostic.ruleID) { json["codeDescription"] = ["href": .string(href)] }
        let related = document.result?.lockHolders(of: diagnostic) ?? []
        if !related.isEmpty {
            json["relatedInformation"] = .array(related.map { holder in
                ["location": ["uri": .string(document.uri), "range": Self.range(holder.range, in: document.text)],
                 "message": .string(holder.message)]
            })
        }
        return .object(json)
    }

    private var writtenRulePages: [String: String] = [:]

    /// A file URI of the rule's page, written on first use: `migration-lint rules ID`'s text.
    private func ruleDocumentation(_ ruleID: String) -> String? {
        if let uri = writtenRulePages[ruleID] { return uri }
        guard let description = (allRules.map(\.description) + EngineDiagnostics.all).first(where: { $0.id == ruleID }) else {
            return nil
        }
        let directory = ruleDocumentationDirectory ?? Self.defaultRuleDirectory(version: options.version)
        let path = URL(fileURLWithPath: directory).appendingPathComponent(ruleID + ".md").path
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try AtomicWriter().write(Array(RuleDocumentation.page(description).utf8), to: path)
        } catch {
            return nil
        }
        let uri = DocumentURI.uri(path)
        writtenRulePages[ruleID] = uri
        return uri
    }

    static func defaultRuleDirectory(version: String) -> String {
        let environment = ProcessInfo.processInfo.environment
        let cache = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"].map { $0 + "/.cache" } ?? NSTemporaryDirectory())
        return cache + "/migration-lint/rules-" + version
    }

    // MARK: requests

    private func hover(_ params: JSON) throws -> JSON {
        let document = try current(params)
        let position = Self.position(params["position"])
        let offset = document.text.offset(line: position.line, character: position.character)
        guard let result = document.result, let index = result.statement(at: offset),
              let explanation = result.explanations?[index] else { return .null }
        return ["contents": ["kind": "markdown", "value": .string(explanation.markdown)],
                "range": Self.range(result.statementRanges[index], in: document.text)]
    }

    private func documentSymbols(_ params: JSON) throws -> JSON {
        let document = try current(params)
        guard let result = document.result, let explanations = result.explanations else { return [] }
        return .array(zip(result.statementRanges, explanations).map { range, explanation in
            let whole = Self.range(range, in: document.text)
            if !hierarchicalSymbols {
                return ["name": .string(explanation.title), "kind": 24, "location": ["uri": .string(document.uri), "range": whole]]
            }
            var symbol: [String: JSON] = ["name": .string(explanation.title), "kind": 24, "range": whole, "selectionRange": whole]
            if let lock = explanation.strongestLock { symbol["detail"] = .string(lock) }
            return .object(symbol)
        })
    }

    private func codeActions(_ params: JSON) throws -> JSON {
        let document = try current(params)
        guard let result = document.result else { return [] }
        let range = params["range"]
        let start = Self.position(range["start"]), end = Self.position(range["end"])
        let lower = document.text.offset(line: start.line, character: start.character)
        let upper = document.text.offset(line: end.line, character: end.character)
        let only = params["context"]["only"].array?.compactMap(\.string)
        func wanted(_ kind: String) -> Bool {
            guard let only else { return true }
            return only.contains { kind == $0 || kind.hasPrefix($0 + ".") }
        }
        var actions: [JSON] = []
        for diagnostic in result.diagnostics where diagnostic.range.lowerBound <= upper && lower <= diagnostic.range.upperBound {
            let lsp = lspDiagnostic(diagnostic, in: document)
            for action in CodeActions.actions(for: diagnostic, in: document) where wanted(action.kind) {
                let edits: [JSON] = action.edits.map { ["range": Self.range($0.range, in: document.text), "newText": .string($0.replacement)] }
                var json: [String: JSON] = [
                    "title": .string(action.title), "kind": .string(action.kind), "diagnostics": [lsp],
                    "edit": ["changes": [document.uri: .array(edits)]],
                ]
                if action.isPreferred { json["isPreferred"] = true }
                actions.append(.object(json))
            }
        }
        return .array(actions)
    }
}
