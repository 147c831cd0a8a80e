/**
 * better-sqlite3 behind the SqlDatabase surface. One connection, WAL, prepared statements cached by SQL text.
 * better-sqlite3 is synchronous, but a transaction callback is async (it may await other work), so every use of
 * the connection — single statements and whole transactions — goes through one FIFO mutex: nothing from another
 * request can run between BEGIN and COMMIT (decision 0041). A single statement runs at once when no transaction
 * holds or waits for the connection (decision 0130). A file database hands its WAL checkpoints to a background
 * thread once it is written to steadily, so the event loop never waits for a checkpoint's copy and fsync (0131).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import {
  Mutex,
  valuesPlaceholders,
  type BulkTransactionOptions,
  type Row,
  type SqlDatabase,
  type SqlExecutor,
  type SqlValue,
} from '../sql/database.js';
import {
  ensurePersonIndex,
  INDEX_STEP_ROWS,
  INDEX_STEP_SQL,
  PERSON_INDEX_TABLES,
  personIndexPath,
  readAuditByPerson,
  WATERMARK_SQL,
} from './personIndex.js';

type Statement = Database.Statement;

/**
 * Rows per multi-row INSERT statement (SQLite allows 32,766 bound parameters). Measured on the seed's rows: 20–100
 * rows per statement bound from one reused array beat both single-row statements and 500-row ones spread into
 * arguments (decision 0125).
 */
const INSERT_CHUNK_PARAMS = 30_000;
const MAX_ROWS_PER_INSERT = 50;
/** Page cache during a bulk load (KiB): holds the random-order primary-key B-trees of a million people. */
const BULK_CACHE_KIB = 524_288;
const CACHE_KIB = 65_536;
/**
 * Memory-mapped reads up to SQLite's compiled-in limit (just under 2 GiB): a confirmation's lookups land on random
 * pages of a database of millions of people, and a mapped page costs no read() call and no copy (decision 0162).
 */
export const MMAP_BYTES = 0x7fff0000;
/** Write commits before a file database starts its background checkpointer (tests and small jobs never do). */
const CHECKPOINTER_AFTER_WRITES = 200;
/** How often the checkpointer copies committed WAL frames into the database (ms). */
const CHECKPOINT_INTERVAL_MS = 100;
/** WAL pages past which the connection checkpoints by itself, should the background thread fall behind. */
const BACKSTOP_WAL_PAGES = 20_000;
/**
 * How often the background thread indexes the audit log by person (ms). Measured under the bench's load: every
 * 100 ms the thread spent ≈ 45 µs per confirmation on random index pages, every second ≈ 10 µs (decision 0167).
 */
const INDEX_INTERVAL_MS = 1_000;
/** Time per tick the background thread may spend indexing (ms): a rebuild goes on at about half a core. */
const INDEX_BUDGET_MS = 50;
/** Unindexed audit rows past which a read by person starts the background thread (a server that writes little). */
const UNINDEXED_START = 10_000;
/** SQLite's default automatic checkpoint (pages), used again if the background thread fails. */
const DEFAULT_WAL_PAGES = 1_000;

/**
 * The background thread's code (CommonJS, run with `eval`). Its own connection runs PASSIVE checkpoints, which never
 * block the writer or readers of the main connection (SQLite restarts the WAL from its beginning at the next write
 * after a checkpoint that copied every frame), and keeps the audit log's person index in its own file up to date
 * (personIndex.ts, decision 0167): deferred transactions that write only the index file, so the app's connection
 * never waits for them and its page cache of the database stays valid.
 */
const BACKGROUND_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
// Maintenance yields to requests: on Linux this thread runs at a lower priority (nice 10, decision 0170).
try {
  const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
  require('node:os').setPriority(tid, 10);
} catch {}
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 5000');
// The person index (when its file cannot be attached, it is left alone: reads scan the table, and the next open of
// the store repairs the file).
let indexing = true;
try {
  db.prepare('ATTACH DATABASE ? AS person_index').run(workerData.indexPath);
  db.exec(workerData.indexTables);
} catch {
  indexing = false;
}
const steps = indexing
  ? workerData.indexSql.map((sql) => ({ statement: db.prepare(sql), chunk: sql.includes('@chunk') }))
  : [];
const watermark = indexing ? db.prepare(workerData.watermarkSql) : null;
if (indexing) {
  db.pragma('person_index.cache_size = -' + String(workerData.indexCacheKib));
}
// One step: true when it indexed a whole chunk, so more rows may be waiting.
const indexStep = db.transaction(() => {
  const before = watermark.get().seq;
  for (const step of steps) {
    if (step.chunk) {
      step.statement.run({ chunk: workerData.indexRows });
    } else {
      step.statement.run();
    }
  }
  return watermark.get().seq - before >= workerData.indexRows;
});
let timer = null;
let ticks = 0;
let behind = true;
function tick() {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    ticks += 1;
    // Rows gathered for a second share the index pages they land on; far behind, every tick works its budget.
    if (indexing && (behind || ticks % workerData.indexEveryTicks === 0)) {
      const until = Date.now() + workerData.indexBudgetMs;
      behind = true;
      while (behind && Date.now() < until) {
        behind = indexStep.deferred();
      }
    }
  } catch (error) {
    parentPort.postMessage({ error: String(error) });
  }
  timer = setTimeout(tick, workerData.intervalMs);
}
timer = setTimeout(tick, workerData.intervalMs);
parentPort.on('message', () => {
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
`;

/** A running background checkpointer. */
interface Checkpointer {
  /** Stops it and waits until its connection is closed. */
  stop(): Promise<void>;
}

function startCheckpointer(path: string, onFailure: (reason: string) => void): Checkpointer {
  const worker = new Worker(BACKGROUND_SOURCE, {
    eval: true,
    workerData: {
      path,
      indexPath: personIndexPath(path),
      indexSql: INDEX_STEP_SQL,
      indexTables: PERSON_INDEX_TABLES('person_index'),
      watermarkSql: WATERMARK_SQL,
      indexRows: INDEX_STEP_ROWS,
      indexBudgetMs: INDEX_BUDGET_MS,
      indexEveryTicks: Math.max(1, Math.round(INDEX_INTERVAL_MS / CHECKPOINT_INTERVAL_MS)),
      indexCacheKib: CACHE_KIB,
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      intervalMs: CHECKPOINT_INTERVAL_MS,
    },
  });
  worker.unref();
  let failed = false;
  const fail = (reason: string): void => {
    if (!failed) {
      failed = true;
      onFailure(reason);
    }
  };
  worker.on('message', (message: unknown) => {
    fail(typeof message === 'object' && message !== null ? String(Reflect.get(message, 'error')) : 'message');
  });
  worker.on('error', (error) => {
    fail(error.message);
  });
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      resolve();
    }),
  );
  return {
    async stop() {
      worker.postMessage('stop');
      const timeout = setTimeout(() => void worker.terminate(), 5_000);
      await exited;
      clearTimeout(timeout);
    },
  };
}

function bind(params: readonly SqlValue[]): unknown[] {
  return params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p));
}

function isRow(value: unknown): value is Row {
  return typeof value === 'object' && value !== null;
}

/** Options of `openSqlite`. */
export interface OpenSqliteOptions {
  /**
   * Whether a file database gets the background thread (checkpoints, person index; default true). A second
   * connection that only writes now and then (the check journal's move, decision 0168) leaves them to the app's.
   */
  background?: boolean;
}

/** Whether `path` names a database file (not one in memory): what gets the files beside it and their threads. */
export function isSqliteFile(path: string): boolean {
  return path !== '' && path !== ':memory:' && !path.startsWith('file::memory:');
}

/** Opens (creating if needed) a SQLite database file, or ':memory:'. */
export function openSqlite(path: string, options: OpenSqliteOptions = {}): SqlDatabase {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('temp_store = MEMORY');
  db.pragma(`cache_size = -${String(CACHE_KIB)}`);
  db.pragma(`mmap_size = ${String(MMAP_BYTES)}`);
  const statements = new Map<string, Statement>();
  /** True inside a bulk transaction: multi-row inserts run without their own savepoint (decision 0150). */
  let bulk = false;
  const mutex = new Mutex();
  /** Holders of and waiters for the mutex: 0 means no transaction is open or about to open. */
  let queued = 0;
  let writes = 0;
  let checkpointer: Checkpointer | undefined;
  const onDisk = isSqliteFile(path);
  const background = onDisk && options.background !== false;
  if (background) {
    ensurePersonIndex(personIndexPath(db.name));
  }

  async function serialised<T>(fn: () => Promise<T> | T): Promise<T> {
    queued += 1;
    try {
      return await mutex.run(fn);
    } finally {
      queued -= 1;
    }
  }

  /**
   * One statement: at once when nothing holds or waits for the connection (better-sqlite3 is synchronous, so it
   * cannot interleave with anything), otherwise in turn behind the open or waiting transactions.
   */
  function single<T>(fn: () => Promise<T>): Promise<T> {
    if (queued > 0) {
      return serialised(fn);
    }
    try {
      return fn();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Counts a committed write; the steady writer of a file database gets the background checkpointer. */
  function wrote(): void {
    writes += 1;
    if (writes === CHECKPOINTER_AFTER_WRITES) {
      startBackground();
    }
  }

  /** Starts the background thread (checkpoints, person index) of a file database, unless it runs. */
  function startBackground(): void {
    if (checkpointer !== undefined || !background || !db.open) {
      return;
    }
    checkpointer = startCheckpointer(db.name, () => {
      checkpointer = undefined;
      if (db.open) {
        db.pragma(`wal_autocheckpoint = ${String(DEFAULT_WAL_PAGES)}`);
      }
    });
    db.pragma(`wal_autocheckpoint = ${String(BACKSTOP_WAL_PAGES)}`);
  }

  /** Stops the background checkpointer (closing, or a bulk load that needs the file to itself); it starts again later. */
  async function stopCheckpointer(): Promise<void> {
    const running = checkpointer;
    if (running === undefined) {
      return;
    }
    checkpointer = undefined;
    writes = 0;
    await running.stop();
    if (db.open) {
      db.pragma(`wal_autocheckpoint = ${String(DEFAULT_WAL_PAGES)}`);
    }
  }

  /** Sets the journal mode; returns the mode in force afterwards ('' when SQLite refused: another connection). */
  function journalMode(mode: 'TRUNCATE' | 'WAL'): string {
    try {
      return String(db.pragma(`journal_mode = ${mode}`, { simple: true })).toLowerCase();
    } catch {
      return '';
    }
  }

  function prepare(sql: string): Statement {
    let st = statements.get(sql);
    if (st === undefined) {
      st = db.prepare(sql);
      statements.set(sql, st);
    }
    return st;
  }

  /** Direct (already serialised) access. */
  const direct: SqlExecutor = {
    all(sql, params = []) {
      return Promise.resolve(
        prepare(sql)
          .all(...bind(params))
          .filter(isRow),
      );
    },
    get(sql, params = []) {
      const row = prepare(sql).get(...bind(params));
      return Promise.resolve(isRow(row) ? row : undefined);
    },
    run(sql, params = []) {
      return Promise.resolve(prepare(sql).run(...bind(params)).changes);
    },
    insertMany(table, columns, rows, onConflict = '') {
      insertManySync(table, columns, rows, onConflict);
      return Promise.resolve();
    },
    exec(script) {
      db.exec(script);
      return Promise.resolve();
    },
  };

  function insertManySync(
    table: string,
    columns: readonly string[],
    rows: readonly (readonly SqlValue[])[],
    onConflict: string,
  ): void {
    if (rows.length === 0) {
      return;
    }
    const width = columns.length;
    const perStatement = Math.max(1, Math.min(MAX_ROWS_PER_INSERT, Math.floor(INSERT_CHUNK_PARAMS / width)));
    // In a bulk transaction a plain insert is `OR FAIL`: a refused row stops the statement without undoing its
    // earlier rows, so SQLite keeps no statement journal — the whole load rolls back instead (decision 0150).
    const verb = bulk && onConflict === '' ? 'INSERT OR FAIL' : 'INSERT';
    const head = `${verb} INTO ${table} (${columns.join(', ')}) VALUES `;
    // Two statements per table, prepared once and reused across calls: a full chunk and a single row for the rest.
    const full = prepare(`${head}${valuesPlaceholders(perStatement, width)} ${onConflict}`);
    const single = prepare(`${head}${valuesPlaceholders(1, width)} ${onConflict}`);
    const insert = (): void => {
      const flat = new Array<unknown>(perStatement * width);
      let start = 0;
      for (; start + perStatement <= rows.length; start += perStatement) {
        let k = 0;
        for (let i = start; i < start + perStatement; i++) {
          const row = rows[i] ?? [];
          if (row.length !== width) {
            throw new RangeError(`${table}: a row has ${String(row.length)} values for ${String(width)} columns`);
          }
          for (const v of row) {
            flat[k++] = typeof v === 'boolean' ? (v ? 1 : 0) : v;
          }
        }
        full.run(flat);
      }
      for (; start < rows.length; start++) {
        single.run(bind(rows[start] ?? []));
      }
    };
    if (bulk) {
      // A bulk transaction is all or nothing as a whole; a SAVEPOINT per call would copy every page it touches
      // into the sub-journal first (decision 0150).
      insert();
      return;
    }
    // Nested inside an open transaction better-sqlite3 uses a SAVEPOINT, so the chunks stay all-or-nothing.
    db.transaction(insert)();
  }

  return {
    dialect: 'sqlite',
    all: (sql, params) => single(() => direct.all(sql, params)),
    get: (sql, params) => single(() => direct.get(sql, params)),
    run: (sql, params) =>
      single(async () => {
        const changes = await direct.run(sql, params);
        wrote();
        return changes;
      }),
    insertMany: (table, columns, rows, onConflict) =>
      single(async () => {
        await direct.insertMany(table, columns, rows, onConflict);
        wrote();
      }),
    transaction<T>(fn: (ex: SqlExecutor) => Promise<T>): Promise<T> {
      return serialised(async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = await fn(direct);
          db.exec('COMMIT');
          wrote();
          return result;
        } catch (error) {
          if (db.inTransaction) {
            db.exec('ROLLBACK');
          }
          throw error;
        }
      });
    },
    bulkTransaction<T>(
      tables: readonly string[],
      fn: (ex: SqlExecutor) => Promise<T>,
      options: BulkTransactionOptions = {},
    ): Promise<T> {
      return serialised(async () => {
        // A rollback journal instead of the WAL while loading a file: pages go once, straight into the database
        // file, and no checkpoint copies gigabytes afterwards; still all or nothing (a hot journal rolls back on the
        // next open). SQLite allows the switch only while no other connection has the file open — else the load
        // stays in WAL (decision 0126). The background checkpointer's connection is closed first (decision 0131).
        await stopCheckpointer();
        const fromWal = onDisk && !db.inTransaction && journalMode('TRUNCATE') === 'truncate';
        db.exec('BEGIN IMMEDIATE');
        try {
          // Secondary indexes only (CREATE INDEX has its SQL; primary keys and UNIQUE constraints have none and
          // keep checking every row). DROP and CREATE are transactional: a rollback restores them. A load that
          // queries what it writes keeps them (decision 0150).
          const placeholders = tables.map(() => '?').join(', ');
          const indexes =
            options.keepIndexes === true
              ? []
              : db
                  .prepare(
                    `SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${placeholders}) ORDER BY name`,
                  )
                  .all(...tables)
                  .filter(isRow)
                  .map((r) => ({ name: String(r.name), sql: String(r.sql) }));
          for (const index of indexes) {
            db.exec(`DROP INDEX "${index.name.replace(/"/g, '""')}"`);
          }
          db.pragma(`cache_size = -${String(BULK_CACHE_KIB)}`);
          // Foreign keys are checked at COMMIT (the pragma ends with the transaction), so multi-row inserts need no
          // statement journal either; a violation fails the COMMIT and rolls everything back.
          db.pragma('defer_foreign_keys = ON');
          bulk = true;
          const result = await fn(direct);
          for (const index of indexes) {
            db.exec(index.sql);
          }
          db.exec('COMMIT');
          return result;
        } catch (error) {
          if (db.inTransaction) {
            db.exec('ROLLBACK');
          }
          throw error;
        } finally {
          bulk = false;
          db.pragma(`cache_size = -${String(CACHE_KIB)}`);
          if (fromWal) {
            journalMode('WAL');
          }
        }
      });
    },
    exec: (script) => serialised(() => direct.exec(script)),
    ...(onDisk
      ? {
          auditByPerson(personId: string, limit: number): Promise<Row[]> {
            // Committed rows only, from a read-only connection of its own (personIndex.ts, decision 0167).
            const indexPath = personIndexPath(db.name);
            if (!existsSync(indexPath)) {
              ensurePersonIndex(indexPath);
            }
            const { rows, unindexed } = readAuditByPerson(db.name, indexPath, personId, limit);
            if (unindexed > UNINDEXED_START) {
              startBackground();
            }
            return Promise.resolve(rows);
          },
        }
      : {}),
    close: () =>
      serialised(async () => {
        await stopCheckpointer();
        statements.clear();
        db.close();
      }),
  };
}
