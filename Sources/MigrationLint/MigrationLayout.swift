import PostgresSyntax

/// The migration tools whose file layouts and annotations MigrationLint knows.
public enum MigrationLayout: String, Sendable, CaseIterable, Codable {
    case plain
    /// golang-migrate and dbmate-style file pairs: `*.up.sql` / `*.down.sql`.
    case upDownFiles = "up-down-files"
    /// diesel: a folder per migration holding `up.sql` and `down.sql`, and optionally
    /// `metadata.toml` (`run_in_transaction = false`).
    case diesel
    /// `-- +goose Up` / `-- +goose Down`, `StatementBegin` / `StatementEnd`, `NO TRANSACTION`.
    case goose
    /// `-- migrate:up` / `-- migrate:down`, `transaction:false`.
    case dbmate
    /// `V2__name.sql` (versioned), `R__name.sql` (repeatable), `U2__name.sql` (undo).
    case flyway
    /// `migrations/<name>/migration.sql`.
    case prisma
    /// `deploy/`, `revert/`, `verify/`.
    case sqitch
}

/// How a migration tool runs a file's statements.
public enum TransactionPolicy: Sendable, Equatable {
    /// Each statement on its own (autocommit), unless the file says BEGIN.
    case none
    /// The whole file inside one transaction.
    case whole
    /// The file is sent as one multi-statement query: one implicit transaction when it holds
    /// more than one statement (golang-migrate, Prisma).
    case ifMultipleStatements
}
