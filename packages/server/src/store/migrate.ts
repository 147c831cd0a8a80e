/**
 * Versioned migrations, applied on open. Files `migrations/<dialect>/NNNN_name.sql` run in version order, each
 * recorded in `schema_migrations`; all pending ones run in one transaction (PostgreSQL also takes an advisory lock,
 * so two servers starting together do not both migrate). Opening an up-to-date database changes nothing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SqlDatabase } from './sql/database.js';
import { num } from './sql/rows.js';

/** One migration file. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const MIGRATION_LOCK = 4_046_742; // pg_advisory_xact_lock key ("onshi" store migrations)

/** The migrations shipped for a dialect, in version order. */
export function loadMigrations(dialect: 'sqlite' | 'postgres'): Migration[] {
  const dir = fileURLToPath(new URL(`./migrations/${dialect}/`, import.meta.url));
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 4)), name: f.slice(5, -4), sql: readFileSync(dir + f, 'utf8') }));
}

/** Applies pending migrations; returns the versions applied now. */
export async function migrate(db: SqlDatabase): Promise<number[]> {
  const migrations = loadMigrations(db.dialect);
  return db.transaction(async (ex) => {
    if (db.dialect === 'postgres') {
      await ex.get(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    }
    await ex.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, ' +
        'applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)',
    );
    const applied = new Set((await ex.all('SELECT version FROM schema_migrations')).map((r) => num(r, 'version')));
    const done: number[] = [];
    for (const m of migrations) {
      if (applied.has(m.version)) {
        continue;
      }
      await ex.exec(m.sql);
      await ex.run('INSERT INTO schema_migrations (version, name) VALUES (?, ?)', [m.version, m.name]);
      done.push(m.version);
    }
    return done;
  });
}
