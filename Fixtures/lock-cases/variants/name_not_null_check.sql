-- A valid CHECK (name IS NOT NULL): PostgreSQL 12+ skips the SET NOT NULL scan.
ALTER TABLE users ADD CONSTRAINT users_name_not_null CHECK (name IS NOT NULL);
