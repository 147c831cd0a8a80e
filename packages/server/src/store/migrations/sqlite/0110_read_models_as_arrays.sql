-- The read models' payloads now hold each row as an array of its columns instead of an object (decisions 0166,
-- 0171): half the bytes to read and parse per confirmation. Rows of the object shape are dropped here; they are
-- rebuilt on use and by the server's walk at start.
DELETE FROM member_snapshots;
DELETE FROM card_snapshots;
