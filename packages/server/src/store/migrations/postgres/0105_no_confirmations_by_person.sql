-- Nothing reads confirmations by person (a person's history is the audit log's), and the index cost every group
-- commit of confirmations one random page write per row (decision 0167).
DROP INDEX IF EXISTS confirmations_person;
