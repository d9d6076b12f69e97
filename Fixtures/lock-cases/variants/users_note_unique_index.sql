-- An index to turn into a constraint with ADD ... USING INDEX.
CREATE UNIQUE INDEX users_note_key ON users (note);
