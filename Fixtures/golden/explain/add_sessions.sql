-- Sessions for users, and a token to find them by.
SET lock_timeout = '2s';
BEGIN;
CREATE TABLE sessions (
    id bigint PRIMARY KEY,
    user_id bigint REFERENCES users (id)
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);
ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();
ALTER TABLE users ALTER COLUMN email TYPE text;
COMMIT;

CREATE INDEX CONCURRENTLY users_token_idx ON users (token);
DROP INDEX users_old_idx;
ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey;
DROP TABLE legacy_a, legacy_b, legacy_c, legacy_d;
ALTER TABLE orders VALIDATE CONSTRAINT orders_account_fk;
