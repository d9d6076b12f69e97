-- Columns for the binary-coercible type changes outside text and numbers: cidr to inet, varbit grown.
ALTER TABLE users ADD COLUMN subnet cidr, ADD COLUMN flags varbit(5);
UPDATE users SET subnet = '10.0.0.0/8', flags = B'101';
