CREATE INDEX users_email_idx ON ${schema}.users (email);
ALTER TABLE ${schema}.users ${action} COLUMN nickname;
