CREATE FUNCTION add_token(p_table text) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  EXECUTE format('ALTER TABLE %I DROP COLUMN legacy', p_table);
END $fn$;
CREATE PROCEDURE clear_events() LANGUAGE sql BEGIN ATOMIC
  DELETE FROM events;
END;
SELECT add_token('users');
CALL clear_events();
