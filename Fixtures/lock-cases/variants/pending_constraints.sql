-- Constraints added NOT VALID, waiting for VALIDATE CONSTRAINT.
ALTER TABLE users ADD CONSTRAINT users_account_id_fkey FOREIGN KEY (account_id) REFERENCES accounts (id) NOT VALID;
ALTER TABLE users ADD CONSTRAINT users_score_positive CHECK (score >= 0) NOT VALID;
