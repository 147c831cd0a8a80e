-- The member read model as a rowid table (decision 0166): in a WITHOUT ROWID table a row keeps only about 1,000
-- bytes on its page and spills the rest to an overflow page of its own, so 1.1 million rows of ~1.3 KB took 5 GB;
-- a rowid table keeps rows up to ~4 KB on the page (one more b-tree step per read: the key's index). The rows are
-- rebuilt on use and by the server's walk at start; the triggers of 0102 name the table and keep working.
DROP TABLE member_snapshots;
CREATE TABLE member_snapshots (
  member_key TEXT PRIMARY KEY,
  payload TEXT NOT NULL
);
