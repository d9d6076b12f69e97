ALTER TABLE orders ALTER COLUMN total TYPE numeric(12,2);
ALTER TABLE orders ALTER COLUMN note TYPE text;
ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;
REINDEX INDEX orders_note_idx;
ALTER TABLE orders DROP CONSTRAINT orders_user_fk;
DROP INDEX orders_note_idx;
ALTER TABLE users ALTER COLUMN email TYPE varchar(200);
