-- The member read model's rows also hold each person's 照会番号 (decision 0166 addendum), so a confirmation reads
-- the calling institution's number from the row it already read instead of asking reference_numbers. A number
-- registered, re-pointed or removed drops the rows showing its person (before and after), found through
-- member_snapshot_persons by primary key as the other triggers of 0102. Rows without the numbers are dropped here;
-- they are rebuilt on use and by the server's walk at start.
DELETE FROM member_snapshots;

CREATE TRIGGER member_snapshots_reference_insert AFTER INSERT ON reference_numbers BEGIN
  DELETE FROM member_snapshots WHERE member_key IN (
    SELECT member_key FROM member_snapshot_persons WHERE person_id = NEW.person_id);
END;
CREATE TRIGGER member_snapshots_reference_update AFTER UPDATE ON reference_numbers BEGIN
  DELETE FROM member_snapshots WHERE member_key IN (
    SELECT member_key FROM member_snapshot_persons WHERE person_id IN (OLD.person_id, NEW.person_id));
END;
CREATE TRIGGER member_snapshots_reference_delete AFTER DELETE ON reference_numbers BEGIN
  DELETE FROM member_snapshots WHERE member_key IN (
    SELECT member_key FROM member_snapshot_persons WHERE person_id = OLD.person_id);
END;
