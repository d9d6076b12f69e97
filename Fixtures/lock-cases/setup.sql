-- The schema every lock case runs against (database `mlint_base`; each variant is a copy of it
-- with its file from variants/ applied). Tables have rows, so scans and rewrites are visible.
CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0);
CREATE SEQUENCE order_numbers;
CREATE SCHEMA archive;

CREATE TABLE accounts (
    id bigint PRIMARY KEY,
    name text NOT NULL
);

CREATE TABLE users (
    id bigint PRIMARY KEY,
    account_id bigint,
    email varchar(100),
    name text,
    score numeric(10, 2),
    amount numeric(10, 2),
    created_at timestamp,
    updated_at timestamptz,
    status mood,
    payload jsonb,
    counter integer,
    note text
);
CREATE INDEX users_name_idx ON users (name);
CREATE UNIQUE INDEX users_email_key ON users (email);
CREATE UNIQUE INDEX users_counter_key ON users (counter);

CREATE TABLE orders (
    id bigint PRIMARY KEY,
    user_id bigint CONSTRAINT orders_user_id_fkey REFERENCES users (id),
    account_id bigint,
    total numeric
);
CREATE INDEX orders_user_id_idx ON orders (user_id);

-- Empty: ADD COLUMN ... NOT NULL without a default succeeds only here.
CREATE TABLE audit_log (
    id bigint PRIMARY KEY,
    message text
);

-- Unlogged, to SET LOGGED.
CREATE UNLOGGED TABLE cache_entries (
    key text PRIMARY KEY,
    value text
);

-- A unique index on a nullable column, to become the primary key with USING INDEX.
CREATE TABLE tags (
    id bigint,
    label text
);
CREATE UNIQUE INDEX tags_id_key ON tags (id);

CREATE TABLE events (
    id bigint NOT NULL,
    created date NOT NULL,
    payload text
) PARTITION BY RANGE (created);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
-- Free, to attach.
CREATE TABLE events_2025 (
    id bigint NOT NULL,
    created date NOT NULL,
    payload text
);

-- Partitioned by list, with a DEFAULT partition and a free table to attach.
CREATE TABLE logs (
    kind text NOT NULL,
    body text
) PARTITION BY LIST (kind);
CREATE TABLE logs_a PARTITION OF logs FOR VALUES IN ('a');
CREATE TABLE logs_default PARTITION OF logs DEFAULT;
CREATE TABLE logs_b (
    kind text NOT NULL,
    body text
);

INSERT INTO logs SELECT CASE WHEN g % 2 = 0 THEN 'a' ELSE 'z' END, 'x' FROM generate_series(1, 1000) g;
INSERT INTO logs_b SELECT 'b', 'y' FROM generate_series(1, 100) g;
INSERT INTO accounts SELECT g, 'account ' || g FROM generate_series(1, 100) g;
INSERT INTO users (id, account_id, email, name, score, amount, created_at, updated_at, status, payload, counter, note)
SELECT g, 1 + g % 100, 'user' || g || '@example.com', 'user ' || g, g % 1000, g % 1000, timestamp '2024-01-01' + g * interval '1 minute',
       timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute', 'happy', jsonb_build_object('n', g), g, NULL
FROM generate_series(1, 5000) g;
INSERT INTO orders SELECT g, 1 + g % 5000, 1 + g % 100, g FROM generate_series(1, 5000) g;
INSERT INTO cache_entries SELECT 'k' || g, 'v' FROM generate_series(1, 1000) g;
INSERT INTO tags SELECT g, 'tag ' || g FROM generate_series(1, 1000) g;
INSERT INTO events SELECT g, date '2024-01-01' + g % 300, 'e' FROM generate_series(1, 2000) g;
INSERT INTO events_2025 SELECT g, date '2025-01-01' + g % 300, 'e' FROM generate_series(1, 2000) g;

CREATE TRIGGER accounts_skip_noop_updates BEFORE UPDATE ON accounts
    FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger();

CREATE POLICY accounts_visible ON accounts USING (true);

CREATE MATERIALIZED VIEW user_counts AS SELECT account_id, count(*) AS n FROM users GROUP BY account_id;
CREATE UNIQUE INDEX user_counts_account_id ON user_counts (account_id);

VACUUM ANALYZE;
