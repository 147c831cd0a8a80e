-- The card read model's rows also list the linked person's member keys (decision 0171), so a card check reads the
-- person's member records without first asking qualifications for them. A qualification added, moved or removed
-- changes those keys: the rows showing its person (before and after) go, found through card_snapshot_persons by
-- primary key as the other triggers of 0109. Rows without the keys are dropped; they are rebuilt on use and by the
-- server's walk at start.
DELETE FROM card_snapshots;

CREATE TRIGGER card_snapshots_qualification_insert AFTER INSERT ON qualifications BEGIN
  DELETE FROM card_snapshots WHERE serial IN (
    SELECT serial FROM card_snapshot_persons WHERE person_id = NEW.person_id);
END;
CREATE TRIGGER card_snapshots_qualification_update AFTER UPDATE OF person_id, member_key ON qualifications BEGIN
  DELETE FROM card_snapshots WHERE serial IN (
    SELECT serial FROM card_snapshot_persons WHERE person_id IN (OLD.person_id, NEW.person_id));
END;
CREATE TRIGGER card_snapshots_qualification_delete AFTER DELETE ON qualifications BEGIN
  DELETE FROM card_snapshots WHERE serial IN (
    SELECT serial FROM card_snapshot_persons WHERE person_id = OLD.person_id);
END;
