-- Onshi store, SQLite. Every large table carries person_id (decision 0040). Dates are ISO text 'YYYY-MM-DD',
-- instants ISO text '…Z', booleans 0/1, JSON as text.

CREATE TABLE persons (
  id TEXT PRIMARY KEY,
  name_kanji TEXT NOT NULL,
  name_kana TEXT NOT NULL,
  birth_date TEXT NOT NULL,
  sex TEXT NOT NULL,
  address TEXT NOT NULL,
  postal_code TEXT NOT NULL,
  prefecture TEXT NOT NULL
);

-- Lookup table distributed by its own key (the keyed hash).
CREATE TABLE individual_number_links (
  individual_number_hash TEXT PRIMARY KEY,
  person_id TEXT NOT NULL UNIQUE REFERENCES persons(id),
  individual_number_last4 TEXT NOT NULL,
  linked_on TEXT NOT NULL,
  linked_by TEXT
);

CREATE TABLE insurers (
  insurer_number TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  scheme TEXT NOT NULL,
  prefecture TEXT NOT NULL,
  branch TEXT
);

CREATE TABLE credentials (
  id TEXT PRIMARY KEY,
  subject_kind TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  label TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE INDEX credentials_subject ON credentials (subject_kind, subject_id);

CREATE TABLE qualifications (
  id TEXT PRIMARY KEY,
  person_id TEXT NOT NULL REFERENCES persons(id),
  insurer_number TEXT NOT NULL,
  symbol TEXT,
  number TEXT NOT NULL,
  branch TEXT,
  member_key TEXT NOT NULL,
  relationship TEXT NOT NULL,
  insured_qualification_id TEXT,
  acquired_on TEXT NOT NULL,
  lost_on TEXT,
  loss_reason TEXT,
  card_classification TEXT NOT NULL
);
CREATE INDEX qualifications_member_key ON qualifications (member_key);
CREATE INDEX qualifications_person ON qualifications (person_id, acquired_on);
CREATE INDEX qualifications_insurer ON qualifications (insurer_number, id);
CREATE INDEX qualifications_insured ON qualifications (insured_qualification_id) WHERE insured_qualification_id IS NOT NULL;

CREATE TABLE qualification_attributes (
  id TEXT PRIMARY KEY,
  qualification_id TEXT NOT NULL,
  person_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  slot TEXT NOT NULL,
  valid_from TEXT NOT NULL,
  valid_to TEXT,
  recorded_at TEXT NOT NULL,
  superseded_at TEXT,
  value TEXT NOT NULL
);
CREATE INDEX qualification_attributes_qualification ON qualification_attributes (qualification_id, slot, valid_from);

CREATE TABLE documents (
  id TEXT PRIMARY KEY,
  person_id TEXT NOT NULL,
  qualification_id TEXT NOT NULL,
  insurer_number TEXT NOT NULL,
  kind TEXT NOT NULL,
  issued_on TEXT NOT NULL,
  valid_from TEXT NOT NULL,
  valid_to TEXT,
  on_request INTEGER NOT NULL,
  printed TEXT NOT NULL
);
CREATE INDEX documents_person ON documents (person_id, issued_on);
CREATE INDEX documents_insurer ON documents (insurer_number, issued_on, id);

CREATE TABLE dv_flags (
  id TEXT PRIMARY KEY,
  person_id TEXT NOT NULL,
  flag TEXT NOT NULL,
  set_on TEXT NOT NULL,
  cleared_on TEXT,
  set_by TEXT
);
CREATE INDEX dv_flags_person ON dv_flags (person_id, flag);

CREATE TABLE cards (
  id TEXT PRIMARY KEY,
  person_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  platform TEXT,
  issued_on TEXT NOT NULL,
  expires_on TEXT NOT NULL,
  status TEXT NOT NULL,
  status_changed_on TEXT
);
CREATE INDEX cards_person ON cards (person_id);

CREATE TABLE insurance_use_registrations (
  id TEXT PRIMARY KEY,
  person_id TEXT NOT NULL,
  card_id TEXT NOT NULL,
  registered_on TEXT NOT NULL,
  channel TEXT NOT NULL,
  unregistered_on TEXT
);
CREATE INDEX insurance_use_registrations_person ON insurance_use_registrations (person_id, registered_on);

CREATE TABLE certificates (
  serial TEXT PRIMARY KEY,
  card_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  not_before TEXT NOT NULL,
  not_after TEXT NOT NULL,
  revoked_at TEXT,
  revocation_reason TEXT,
  der BLOB NOT NULL
);
CREATE INDEX certificates_card ON certificates (card_id);

-- Lookup table distributed by its own key (the serial): certificate → person, never via My Number.
CREATE TABLE certificate_links (
  serial TEXT PRIMARY KEY,
  person_id TEXT NOT NULL,
  linked_at TEXT NOT NULL
);

CREATE TABLE institutions (
  institution_code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  prefecture TEXT NOT NULL,
  address TEXT NOT NULL,
  oqs_enabled INTEGER NOT NULL,
  reader_status TEXT NOT NULL,
  consent_items_enabled TEXT NOT NULL,
  smartphone_reader INTEGER NOT NULL
);
CREATE INDEX institutions_prefecture ON institutions (prefecture, kind);

CREATE TABLE confirmations (
  id TEXT PRIMARY KEY,
  at TEXT NOT NULL,
  confirmed_on TEXT NOT NULL,
  institution_code TEXT NOT NULL,
  person_id TEXT,
  qualification_id TEXT,
  insurer_number TEXT,
  method TEXT NOT NULL,
  authentication TEXT,
  qualification_validity INTEGER,
  result_code TEXT NOT NULL,
  reference_number TEXT
);
CREATE INDEX confirmations_person ON confirmations (person_id, at);
CREATE INDEX confirmations_institution ON confirmations (institution_code, at);
CREATE INDEX confirmations_day ON confirmations (confirmed_on, method);

CREATE TABLE consents (
  id TEXT PRIMARY KEY,
  institution_code TEXT NOT NULL,
  person_id TEXT NOT NULL,
  items TEXT NOT NULL,
  consented_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX consents_person ON consents (person_id, institution_code, expires_at);

CREATE TABLE clinical_records (
  id TEXT PRIMARY KEY,
  person_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  date TEXT NOT NULL,
  institution_code TEXT,
  claim_id TEXT,
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX clinical_records_person ON clinical_records (person_id, kind, date);

CREATE TABLE claims (
  id TEXT PRIMARY KEY,
  person_id TEXT NOT NULL,
  insurer_number TEXT NOT NULL,
  qualification_id TEXT,
  institution_code TEXT NOT NULL,
  institution_kind TEXT NOT NULL,
  kind TEXT NOT NULL,
  month TEXT NOT NULL,
  days INTEGER NOT NULL,
  points INTEGER NOT NULL,
  total_cost INTEGER NOT NULL,
  insurer_paid INTEGER NOT NULL,
  public_paid INTEGER NOT NULL,
  copay_amount INTEGER NOT NULL
);
CREATE INDEX claims_person ON claims (person_id, month);
CREATE INDEX claims_month ON claims (month, kind);

CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor_kind TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  action TEXT NOT NULL,
  person_id TEXT,
  target TEXT,
  outcome TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_log_person ON audit_log (person_id, seq) WHERE person_id IS NOT NULL;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE idempotency_keys (
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  response_status INTEGER NOT NULL,
  response_body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

CREATE TABLE reference_numbers (
  institution_code TEXT NOT NULL,
  reference_number TEXT NOT NULL,
  person_id TEXT NOT NULL,
  qualification_id TEXT,
  registered_at TEXT NOT NULL,
  PRIMARY KEY (institution_code, reference_number)
);
CREATE INDEX reference_numbers_person ON reference_numbers (person_id, institution_code);

CREATE TABLE bulk_confirmation_jobs (
  reception_number TEXT PRIMARY KEY,
  institution_code TEXT NOT NULL,
  requested_at TEXT NOT NULL,
  confirmation_date TEXT NOT NULL,
  status TEXT NOT NULL,
  units TEXT NOT NULL,
  completed_at TEXT
);
CREATE INDEX bulk_confirmation_jobs_institution ON bulk_confirmation_jobs (institution_code, requested_at);
CREATE INDEX bulk_confirmation_jobs_status ON bulk_confirmation_jobs (status, requested_at);

CREATE TABLE disaster_declarations (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  prefectures TEXT NOT NULL,
  starts_on TEXT NOT NULL,
  ends_on TEXT NOT NULL,
  declared_at TEXT NOT NULL
);
