-- How far each check journal (a SQLite file's `<db>-checks`, decision 0168) has been moved into the tables: written
-- in the same transaction as the moved rows, so a move interrupted anywhere is neither lost nor repeated.
CREATE TABLE check_journal_state (
  journal_id TEXT PRIMARY KEY,
  moved_through INTEGER NOT NULL
);
