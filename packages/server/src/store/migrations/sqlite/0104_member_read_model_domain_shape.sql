-- The member read model's payload now holds each record in the shape of its domain type (camelCase, attribute values
-- spread by kind), so a read is one JSON.parse and one compiled check (decision 0166). Rows of the old shape are
-- dropped here; they are rebuilt on use and by the server's walk at start.
DELETE FROM member_snapshots;
