-- No transaction: each statement commits on its own.
CREATE INDEX CONCURRENTLY events_payload_idx ON events (payload);
ALTER TABLE events SET (autovacuum_vacuum_scale_factor = 0.01);
