/**
 * The Store: `createStore` opens SQLite (the zero-set-up default) or PostgreSQL, applies pending migrations and
 * returns the one Store interface the rest of the server uses.
 */
import { openPostgres } from './postgres/database.js';
import { CheckJournal } from './sqlite/checkJournal.js';
import { isSqliteFile, MMAP_BYTES, openSqlite } from './sqlite/database.js';
import { ReadModelReader } from './sqlite/readModelReader.js';
import { migrate } from './migrate.js';
import type { SqlDatabase } from './sql/database.js';
import { sqlStore } from './sql/sqlStore.js';
import type { Store, StoreConfig, StoreOptions } from './types.js';

export * from './types.js';
export { memberKey, foldMemberText, foldInsurerNumber } from './memberKey.js';

/** Opens the store described by `config`, migrating it first. */
export async function createStore(config: StoreConfig, options: StoreOptions): Promise<Store> {
  const db: SqlDatabase =
    config.kind === 'sqlite' ? openSqlite(config.path) : openPostgres(config.url, options.poolSize);
  try {
    await migrate(db);
    // A SQLite file's check journal (decision 0168), after moving what a stopped process left in it.
    const checkJournal =
      config.kind === 'sqlite' && isSqliteFile(config.path)
        ? new CheckJournal(config.path, db, options.checkJournal ?? {})
        : undefined;
    await checkJournal?.settle();
    // Its read models are read on a thread of their own once the process reads them often (decision 0173).
    const readModelReader =
      config.kind === 'sqlite' && isSqliteFile(config.path)
        ? new ReadModelReader(config.path, MMAP_BYTES, options.readModelReader ?? {})
        : undefined;
    return sqlStore(db, {
      individualNumberKey: options.individualNumberKey,
      ...(checkJournal !== undefined ? { checkJournal } : {}),
      ...(readModelReader !== undefined ? { readModelReader } : {}),
    });
  } catch (error) {
    await db.close();
    throw error;
  }
}
