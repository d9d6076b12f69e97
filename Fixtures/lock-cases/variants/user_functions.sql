-- Functions of the application's own, as an earlier migration creates them: whether a default
-- that calls one rewrites the table depends on the volatility the CREATE FUNCTION declared.
CREATE FUNCTION default_plan() RETURNS text IMMUTABLE LANGUAGE sql AS $$ SELECT 'free' $$;
CREATE FUNCTION started_at() RETURNS timestamptz STABLE LANGUAGE sql AS $$ SELECT now() $$;
CREATE FUNCTION fresh_token() RETURNS text LANGUAGE sql AS $$ SELECT md5(random()::text) $$;
