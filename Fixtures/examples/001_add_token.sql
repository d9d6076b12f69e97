-- Adds an API token to every user.
ALTER TABLE users ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid();
