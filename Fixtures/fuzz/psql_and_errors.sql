SELECT E'a\'b', U&"d\0061t", $$x$$, B'01';
\set ON_ERROR_STOP on
SELECT :'v';
/* nested /* comment */ */ SELECT 1;
CREATE TABLEX broken;
