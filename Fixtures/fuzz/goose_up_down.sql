-- +goose Up
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION touch() RETURNS trigger AS $body$
BEGIN NEW.updated_at := now(); RETURN NEW; END;
$body$ LANGUAGE plpgsql;
-- +goose StatementEnd
ALTER TABLE "Ünïcode" ADD COLUMN "naïve" text;
-- +goose Down
DROP FUNCTION touch();
