-- +goose Up
-- +goose NO TRANSACTION
CREATE INDEX CONCURRENTLY orders_created_idx ON orders (created_at);

-- +goose Down
DROP INDEX orders_created_idx;
