-- A SQLite file's audit log is indexed by person in a file of its own, by the background thread (decision 0167): the
-- index in the database cost every group commit one random page write per confirmation. In memory (tests) the
-- table is small enough to scan.
DROP INDEX IF EXISTS audit_log_person;
