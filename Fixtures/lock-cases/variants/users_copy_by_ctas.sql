-- A table made and filled by a query: unseen by other sessions, but not empty.
CREATE TABLE users_copy AS SELECT id, email, name FROM users;
