CREATE TABLE accounts (id bigint PRIMARY KEY, plan text NOT NULL);
-- JSON_TABLE is PostgreSQL 17 syntax; the bundled grammar cannot read it.
CREATE VIEW account_plans AS
  SELECT * FROM JSON_TABLE('[{"a":1}]', '$[*]' COLUMNS (a int PATH '$.a')) AS jt;
