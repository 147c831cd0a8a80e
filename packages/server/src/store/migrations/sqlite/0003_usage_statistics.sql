-- Registration and usage statistics (issue 9, seed 004, rules.md §9; docs/statistics.md, decision 0115).
-- Maintained as data arrives: confirmations and claims update stats_usage in the same transaction that writes them;
-- stats_card_users remembers which (month, institution, person) already counted as one マイナ保険証 利用人数.
CREATE TABLE stats_usage (
  month TEXT NOT NULL,
  insurer_number TEXT NOT NULL,
  institution_kind TEXT NOT NULL,
  institution_prefecture TEXT NOT NULL,
  card_checks INTEGER NOT NULL DEFAULT 0,
  number_checks INTEGER NOT NULL DEFAULT 0,
  bulk_checks INTEGER NOT NULL DEFAULT 0,
  visual_checks INTEGER NOT NULL DEFAULT 0,
  card_persons INTEGER NOT NULL DEFAULT 0,
  outpatient_claims INTEGER NOT NULL DEFAULT 0,
  inpatient_claims INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (month, insurer_number, institution_kind, institution_prefecture)
);

CREATE TABLE stats_card_users (
  month TEXT NOT NULL,
  institution_code TEXT NOT NULL,
  person_id TEXT NOT NULL,
  PRIMARY KEY (month, institution_code, person_id)
);

-- 利用登録率: the monthly snapshot job writes one row per insurer and month.
CREATE TABLE stats_registrations (
  month TEXT NOT NULL,
  insurer_number TEXT NOT NULL,
  as_of TEXT NOT NULL,
  members INTEGER NOT NULL,
  registered INTEGER NOT NULL,
  PRIMARY KEY (month, insurer_number)
);
