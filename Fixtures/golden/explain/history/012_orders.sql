-- Orders, with what later migrations change.
CREATE TABLE orders (
    id bigint PRIMARY KEY,
    total numeric(10,2) NOT NULL,
    note varchar(50),
    user_id bigint
);
ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
CREATE INDEX orders_note_idx ON orders (note);
