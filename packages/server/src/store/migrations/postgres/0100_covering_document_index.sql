-- A confirmation reads the latest document of a qualification from this index alone (an index-only scan, without
-- the printed fields; decision 0163). Same leading key as before, so every other query keeps its plan.
DROP INDEX documents_person;
CREATE INDEX documents_person ON documents (person_id, qualification_id, issued_on, id)
  INCLUDE (kind, valid_from, valid_to, insurer_number, on_request);
