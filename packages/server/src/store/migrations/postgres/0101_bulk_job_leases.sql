-- 一括照会 jobs are claimed with a lease, so several servers on one database never answer the same job at once, and a
-- job whose server died is taken over when its lease runs out (decision 0164).
ALTER TABLE bulk_confirmation_jobs ADD COLUMN lease_owner TEXT;
ALTER TABLE bulk_confirmation_jobs ADD COLUMN lease_until TIMESTAMPTZ;
