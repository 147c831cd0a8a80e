import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Clock, systemClock } from '@onshi/core';
import type { ServerContext } from '@onshi/server';
import { createStore, type StoreConfig } from '@onshi/server/store';

/** Secrets kept beside a database: generated on first use, file mode 0600, never printed. */
interface SecretsFile {
  individualNumberKey: string;
  proofKey: string;
}

/** Where the database lives: a SQLite path, or a postgres:// URL. */
export function storeConfigFor(db: string): StoreConfig {
  return /^postgres(ql)?:\/\//.test(db) ? { kind: 'postgres', url: db } : { kind: 'sqlite', path: db };
}

/** The secrets file for a database (`<db>.secrets.json`; for PostgreSQL, ONSHI_SECRETS or ./data/onshi.secrets.json). */
export function secretsPathFor(db: string): string {
  if (process.env.ONSHI_SECRETS !== undefined) {
    return process.env.ONSHI_SECRETS;
  }
  return /^postgres(ql)?:\/\//.test(db) ? 'data/onshi.secrets.json' : `${db}.secrets.json`;
}

function loadSecrets(path: string): SecretsFile {
  if (existsSync(path)) {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<SecretsFile>;
    if (typeof parsed.individualNumberKey !== 'string' || typeof parsed.proofKey !== 'string') {
      throw new Error(`secrets file ${path} is incomplete: delete it only if the database is new`);
    }
    return { individualNumberKey: parsed.individualNumberKey, proofKey: parsed.proofKey };
  }
  const fresh: SecretsFile = {
    individualNumberKey: randomBytes(32).toString('base64'),
    proofKey: randomBytes(32).toString('base64'),
  };
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(fresh, null, 2) + '\n', { mode: 0o600 });
  return fresh;
}

/** Opens the store and builds the server context every CLI command shares. */
export async function openContext(db: string, clock: Clock = systemClock): Promise<ServerContext> {
  const config = storeConfigFor(db);
  if (config.kind === 'sqlite' && config.path !== ':memory:') {
    mkdirSync(dirname(config.path), { recursive: true });
  }
  const secrets = loadSecrets(secretsPathFor(db));
  const store = await createStore(config, { individualNumberKey: Buffer.from(secrets.individualNumberKey, 'base64') });
  return { store, clock, secrets: { proofKey: Buffer.from(secrets.proofKey, 'base64') } };
}

/** The default database: ONSHI_DB, else ./data/onshi.db. */
export function defaultDb(): string {
  return process.env.ONSHI_DATABASE_URL ?? process.env.ONSHI_DB ?? 'data/onshi.db';
}
