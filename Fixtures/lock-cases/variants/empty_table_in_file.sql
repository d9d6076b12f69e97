-- A table made in the file and still empty: a foreign key added to it checks no row, so the
-- referenced table is locked but not read.
CREATE TABLE user_notes (id bigint PRIMARY KEY, user_id bigint);
