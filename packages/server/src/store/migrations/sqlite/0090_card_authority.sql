-- The card authority's own records (decision 0090): its sealed CA state and the CRL it publishes (one row),
-- and the certificates of face-authentication readers.
CREATE TABLE authority_state (
  id TEXT PRIMARY KEY,
  sealed_state TEXT NOT NULL,
  created_at TEXT NOT NULL,
  crl_number INTEGER NOT NULL DEFAULT 0,
  crl_published_number INTEGER NOT NULL DEFAULT 0,
  crl_this_update TEXT,
  crl_next_update TEXT,
  crl_der BLOB
);

CREATE TABLE reader_certificates (
  serial TEXT PRIMARY KEY,
  institution_code TEXT NOT NULL,
  reader_id TEXT NOT NULL,
  not_before TEXT NOT NULL,
  not_after TEXT NOT NULL,
  revoked_at TEXT,
  revocation_reason TEXT,
  der BLOB NOT NULL
);
CREATE INDEX reader_certificates_institution ON reader_certificates (institution_code, reader_id);

CREATE INDEX certificates_revoked ON certificates (revoked_at) WHERE revoked_at IS NOT NULL;
CREATE INDEX certificates_not_after ON certificates (not_after);
CREATE INDEX cards_expires_on ON cards (expires_on);
