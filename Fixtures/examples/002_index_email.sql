-- Speeds up login by email.
CREATE INDEX users_email_idx ON users (email);
