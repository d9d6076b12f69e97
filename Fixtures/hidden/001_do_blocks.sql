-- Idempotent DDL, as hand-written PostgreSQL setups do it.
DO $migration$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_indexes WHERE indexname = 'users_email_idx') THEN
    CREATE INDEX users_email_idx ON users (email);
  END IF;
  EXECUTE 'ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid()';
END
$migration$;

DO $$ BEGIN CREATE INDEX CONCURRENTLY users_name_idx ON users (name); END $$;
