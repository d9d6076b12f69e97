-- An index to turn into a constraint with ADD ... USING INDEX.
CREATE UNIQUE INDEX users_note_key ON users (note);
CREATE UNIQUE INDEX users_id_account_key ON users (id, account_id);
