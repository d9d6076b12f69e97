-- A new table, indexed in the same migration: nothing else can see it yet.
CREATE TABLE audit_events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id bigint NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_events_user_idx ON audit_events (user_id);
-- A constant default is stored in the catalog (PostgreSQL 11+): no rewrite.
ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free';
