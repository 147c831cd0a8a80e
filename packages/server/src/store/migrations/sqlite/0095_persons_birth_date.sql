-- Disaster-mode confirmation looks persons up by birth date (decision 0098).
CREATE INDEX persons_birth_date ON persons (birth_date);
