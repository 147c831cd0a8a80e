-- 代理人 grants of the citizen portal (issue 8): a proxy acts for a principal until the grant is revoked.
-- Instants are ISO strings; access checks read the grant on every request (a revocation applies at once).
CREATE TABLE portal_proxies (
  id TEXT PRIMARY KEY,
  principal_person_id TEXT NOT NULL,
  proxy_person_id TEXT NOT NULL,
  granted_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE INDEX portal_proxies_principal ON portal_proxies (principal_person_id);
CREATE INDEX portal_proxies_proxy ON portal_proxies (proxy_person_id);
