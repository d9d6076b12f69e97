import PostgresSyntax

extension AnalysisState {
    /// Why PostgreSQL refuses `what` (VACUUM, the CONCURRENTLY family) here, as its
    /// `PreventInTransactionBlock` says it: a transaction block is checked first, then a function
    /// (a DO block) around the statement. Nil when it may run.
    public func refusal(of what: String) -> String? {
        if let transaction, !transaction.isDoBlock { return "\(what) cannot run inside a transaction block" }
        if insideFunction { return "\(what) cannot be executed from a function" }
        return nil
    }
}

extension MigrationAnalyzer.Run {
    /// A DO block and the statements its body runs, analysed as PostgreSQL runs them: the block
    /// is one statement, so outside a transaction block its statements share one transaction
    /// that ends with the block, and every lock they take is held until then.
    public mutating func appendBlock(_ block: ParsedStatement, body: [ParsedStatement]) {
        let toolOpensTransaction = analyzer.settings.fileRunsInTransaction && transactionCount == 0
        let ownTransaction = state.transaction == nil && !toolOpensTransaction
        if ownTransaction {
            state.transaction = TransactionInfo(id: nextTransaction, isImplicit: true, startIndex: statements.count, isDoBlock: true)
            nextTransaction += 1
        }
        append(block)
        let wasInside = state.insideFunction
        state.insideFunction = true
        for parsed in body { append(parsed) }
        state.insideFunction = wasInside
        if ownTransaction {
            // The block's end commits: the same bookkeeping as a COMMIT.
            analyzer.update(&state, after: .transaction(.commit), effects: StatementEffects(), index: statements.count - 1)
        }
    }
}
