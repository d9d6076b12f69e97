-- users.name is NOT NULL already: a later SET NOT NULL changes nothing and reads no row.
ALTER TABLE users ALTER COLUMN name SET NOT NULL;
