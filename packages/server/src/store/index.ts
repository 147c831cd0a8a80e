/**
 * The Store: `createStore` opens SQLite (the zero-set-up default) or PostgreSQL, applies pending migrations and
 * returns the one Store interface the rest of the server uses.
 */
import { openPostgres } from './postgres/database.js';
import { CheckJournal } from './sqlite/checkJournal.js';
import { isSqliteFile, openSqlite } from './sqlite/database.js';
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
    return sqlStore(db, {
      individualNumberKey: options.individualNumberKey,
      ...(checkJournal !== undefined ? { checkJournal } : {}),
    });
  } catch (error) {
    await db.close();
    throw error;
  }
}
