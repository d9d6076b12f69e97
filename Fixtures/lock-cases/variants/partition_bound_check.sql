-- A valid CHECK that implies the partition bound: ATTACH PARTITION skips its scan.
ALTER TABLE events_2025 ADD CONSTRAINT events_2025_bound CHECK (created >= DATE '2025-01-01' AND created < DATE '2026-01-01');
