-- Idempotent DDL: the static statements of the DO block are checked; the EXECUTE of a string
-- built from a variable is not guessed and goes in the coverage report.
DO $body$
DECLARE
  tbl text := 'users';
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_indexes WHERE indexname = 'users_email_idx') THEN
    CREATE INDEX users_email_idx ON users (email);
  END IF;
  EXECUTE format('ALTER TABLE %I ADD COLUMN note text', tbl);
  EXECUTE 'ALTER TABLE ' || tbl || ' DROP COLUMN legacy';
END
$body$;
