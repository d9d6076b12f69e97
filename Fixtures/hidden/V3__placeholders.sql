CREATE INDEX users_email_idx ON ${schema}.users (email);
