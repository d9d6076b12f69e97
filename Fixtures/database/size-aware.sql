-- Linted with Fixtures/snapshots/shop.json: the same statements on a 40-row, a 500,000-row and a
-- 212-million-row table.
CREATE INDEX countries_name_idx ON countries (name);
CREATE INDEX orders_total_idx ON orders (total);
CREATE INDEX events_created_idx ON events (created_at);
ALTER TABLE events ALTER COLUMN payload TYPE jsonb;
ALTER TABLE countries DROP COLUMN code;
