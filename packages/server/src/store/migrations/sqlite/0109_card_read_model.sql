-- The card read model (decision 0171): one row per linked certificate serial with what a card check reads about it
-- (the certificate's status, the linked person, the certificate's card, the person's 利用登録 rows), as JSON, so
-- the card path is one primary-key read instead of five joined lookups. Like the member read model (0102): rows are
-- written on first use by the store (refresh inside a write transaction) and by the server's walk at start, and
-- deleted here, by triggers, whenever a row they draw from changes: a row that exists is current. The triggers only
-- look rows up by primary key (of this model's tables), so they stay cheap while a bulk load has dropped the other
-- indexes. A rowid table: a WITHOUT ROWID row keeps only about 1,000 bytes on its page (0103).
CREATE TABLE card_snapshots (
  serial TEXT PRIMARY KEY,
  payload TEXT NOT NULL
);

-- Which person's rows (person, 利用登録) and which card a serial's row shows, for the triggers on those tables.
CREATE TABLE card_snapshot_persons (
  person_id TEXT NOT NULL,
  serial TEXT NOT NULL,
  PRIMARY KEY (person_id, serial)
) WITHOUT ROWID;
CREATE TABLE card_snapshot_cards (
  card_id TEXT NOT NULL,
  serial TEXT NOT NULL,
  PRIMARY KEY (card_id, serial)
) WITHOUT ROWID;

CREATE TRIGGER card_snapshots_certificate_insert AFTER INSERT ON certificates BEGIN
  DELETE FROM card_snapshots WHERE serial = NEW.serial;
END;
CREATE TRIGGER card_snapshots_certificate_update AFTER UPDATE ON certificates BEGIN
  DELETE FROM card_snapshots WHERE serial IN (OLD.serial, NEW.serial);
END;
CREATE TRIGGER card_snapshots_certificate_delete AFTER DELETE ON certificates BEGIN
  DELETE FROM card_snapshots WHERE serial = OLD.serial;
END;

CREATE TRIGGER card_snapshots_link_insert AFTER INSERT ON certificate_links BEGIN
  DELETE FROM card_snapshots WHERE serial = NEW.serial;
END;
CREATE TRIGGER card_snapshots_link_update AFTER UPDATE ON certificate_links BEGIN
  DELETE FROM card_snapshots WHERE serial IN (OLD.serial, NEW.serial);
END;
CREATE TRIGGER card_snapshots_link_delete AFTER DELETE ON certificate_links BEGIN
  DELETE FROM card_snapshots WHERE serial = OLD.serial;
END;

-- A card inserted after its certificate: the row showed no card.
CREATE TRIGGER card_snapshots_card_insert AFTER INSERT ON cards BEGIN
  DELETE FROM card_snapshots WHERE serial IN (SELECT serial FROM card_snapshot_cards WHERE card_id = NEW.id);
END;
CREATE TRIGGER card_snapshots_card_update AFTER UPDATE ON cards BEGIN
  DELETE FROM card_snapshots WHERE serial IN (
    SELECT serial FROM card_snapshot_cards WHERE card_id IN (OLD.id, NEW.id));
END;
CREATE TRIGGER card_snapshots_card_delete AFTER DELETE ON cards BEGIN
  DELETE FROM card_snapshots WHERE serial IN (SELECT serial FROM card_snapshot_cards WHERE card_id = OLD.id);
END;

CREATE TRIGGER card_snapshots_person_insert AFTER INSERT ON persons BEGIN
  DELETE FROM card_snapshots WHERE serial IN (SELECT serial FROM card_snapshot_persons WHERE person_id = NEW.id);
END;
CREATE TRIGGER card_snapshots_person_update AFTER UPDATE ON persons BEGIN
  DELETE FROM card_snapshots WHERE serial IN (
    SELECT serial FROM card_snapshot_persons WHERE person_id IN (OLD.id, NEW.id));
END;
CREATE TRIGGER card_snapshots_person_delete AFTER DELETE ON persons BEGIN
  DELETE FROM card_snapshots WHERE serial IN (SELECT serial FROM card_snapshot_persons WHERE person_id = OLD.id);
END;

CREATE TRIGGER card_snapshots_registration_insert AFTER INSERT ON insurance_use_registrations BEGIN
  DELETE FROM card_snapshots WHERE serial IN (
    SELECT serial FROM card_snapshot_persons WHERE person_id = NEW.person_id);
END;
CREATE TRIGGER card_snapshots_registration_update AFTER UPDATE ON insurance_use_registrations BEGIN
  DELETE FROM card_snapshots WHERE serial IN (
    SELECT serial FROM card_snapshot_persons WHERE person_id IN (OLD.person_id, NEW.person_id));
END;
CREATE TRIGGER card_snapshots_registration_delete AFTER DELETE ON insurance_use_registrations BEGIN
  DELETE FROM card_snapshots WHERE serial IN (
    SELECT serial FROM card_snapshot_persons WHERE person_id = OLD.person_id);
END;
