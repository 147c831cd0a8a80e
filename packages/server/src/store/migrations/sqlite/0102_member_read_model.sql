-- The member read model (decision 0166): one row per member key with what a confirmation by number reads, as JSON.
-- Rows are written on first use by the store (refresh inside a write transaction) and deleted here, by triggers,
-- whenever a table they draw from changes: a row that exists is current. The triggers only look rows up by primary
-- key (of this model or of qualifications), so they stay cheap while a bulk load has dropped the other indexes.
CREATE TABLE member_snapshots (
  member_key TEXT PRIMARY KEY,
  payload TEXT NOT NULL
) WITHOUT ROWID;

-- Which persons' rows (person, DV flags, and for dependants the insured person's name) a member key's row shows.
CREATE TABLE member_snapshot_persons (
  person_id TEXT NOT NULL,
  member_key TEXT NOT NULL,
  PRIMARY KEY (person_id, member_key)
) WITHOUT ROWID;

CREATE TRIGGER member_snapshots_qualification_insert AFTER INSERT ON qualifications BEGIN
  DELETE FROM member_snapshots WHERE member_key = NEW.member_key;
END;
CREATE TRIGGER member_snapshots_qualification_update AFTER UPDATE ON qualifications BEGIN
  DELETE FROM member_snapshots WHERE member_key IN (OLD.member_key, NEW.member_key);
END;
-- A qualification moved to another person: dependants show the insured person's name.
CREATE TRIGGER member_snapshots_qualification_person AFTER UPDATE OF person_id ON qualifications
WHEN OLD.person_id IS NOT NEW.person_id BEGIN
  DELETE FROM member_snapshots WHERE member_key IN (
    SELECT member_key FROM member_snapshot_persons WHERE person_id IN (OLD.person_id, NEW.person_id));
END;
-- A deleted qualification may be a dependant's insured one: every row showing its person goes too.
CREATE TRIGGER member_snapshots_qualification_delete AFTER DELETE ON qualifications BEGIN
  DELETE FROM member_snapshots WHERE member_key = OLD.member_key OR member_key IN (
    SELECT member_key FROM member_snapshot_persons WHERE person_id = OLD.person_id);
END;

CREATE TRIGGER member_snapshots_attribute_insert AFTER INSERT ON qualification_attributes BEGIN
  DELETE FROM member_snapshots WHERE member_key = (SELECT member_key FROM qualifications WHERE id = NEW.qualification_id);
END;
CREATE TRIGGER member_snapshots_attribute_update AFTER UPDATE ON qualification_attributes BEGIN
  DELETE FROM member_snapshots WHERE member_key IN (
    SELECT member_key FROM qualifications WHERE id IN (OLD.qualification_id, NEW.qualification_id));
END;
CREATE TRIGGER member_snapshots_attribute_delete AFTER DELETE ON qualification_attributes BEGIN
  DELETE FROM member_snapshots WHERE member_key = (SELECT member_key FROM qualifications WHERE id = OLD.qualification_id);
END;

CREATE TRIGGER member_snapshots_document_insert AFTER INSERT ON documents BEGIN
  DELETE FROM member_snapshots WHERE member_key = (SELECT member_key FROM qualifications WHERE id = NEW.qualification_id);
END;
CREATE TRIGGER member_snapshots_document_update AFTER UPDATE ON documents BEGIN
  DELETE FROM member_snapshots WHERE member_key IN (
    SELECT member_key FROM qualifications WHERE id IN (OLD.qualification_id, NEW.qualification_id));
END;
CREATE TRIGGER member_snapshots_document_delete AFTER DELETE ON documents BEGIN
  DELETE FROM member_snapshots WHERE member_key = (SELECT member_key FROM qualifications WHERE id = OLD.qualification_id);
END;

CREATE TRIGGER member_snapshots_dv_insert AFTER INSERT ON dv_flags BEGIN
  DELETE FROM member_snapshots WHERE member_key IN (
    SELECT member_key FROM member_snapshot_persons WHERE person_id = NEW.person_id);
END;
CREATE TRIGGER member_snapshots_dv_update AFTER UPDATE ON dv_flags BEGIN
  DELETE FROM member_snapshots WHERE member_key IN (
    SELECT member_key FROM member_snapshot_persons WHERE person_id IN (OLD.person_id, NEW.person_id));
END;
CREATE TRIGGER member_snapshots_dv_delete AFTER DELETE ON dv_flags BEGIN
  DELETE FROM member_snapshots WHERE member_key IN (
    SELECT member_key FROM member_snapshot_persons WHERE person_id = OLD.person_id);
END;

CREATE TRIGGER member_snapshots_person_insert AFTER INSERT ON persons BEGIN
  DELETE FROM member_snapshots WHERE member_key IN (
    SELECT member_key FROM member_snapshot_persons WHERE person_id = NEW.id);
END;
CREATE TRIGGER member_snapshots_person_update AFTER UPDATE ON persons BEGIN
  DELETE FROM member_snapshots WHERE member_key IN (
    SELECT member_key FROM member_snapshot_persons WHERE person_id IN (OLD.id, NEW.id));
END;
CREATE TRIGGER member_snapshots_person_delete AFTER DELETE ON persons BEGIN
  DELETE FROM member_snapshots WHERE member_key IN (
    SELECT member_key FROM member_snapshot_persons WHERE person_id = OLD.id);
END;
