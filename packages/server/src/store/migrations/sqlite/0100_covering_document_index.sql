-- A confirmation reads the latest document of a qualification from this index alone, without a trip to the table
-- and its printed fields (decision 0163). Same leading key as before, so every other query keeps its plan.
DROP INDEX documents_person;
CREATE INDEX documents_person ON documents
  (person_id, qualification_id, issued_on, id, kind, valid_from, valid_to, insurer_number, on_request);
