-- Run by a migration tool that wraps the file in one transaction.
ALTER TABLE "Orders" ADD CONSTRAINT orders_total_positive CHECK (total > 0) NOT VALID;
ALTER TABLE "Orders" VALIDATE CONSTRAINT orders_total_positive;
CREATE INDEX CONCURRENTLY orders_total_idx ON "Orders" (total);
SELEC 1;
UPDATE accounts SET note = 'a|b`c — ünïcode'
    WHERE id = 1;
