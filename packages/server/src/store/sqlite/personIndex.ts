/**
 * The audit log's index by person, for a SQLite file, kept in a file of its own by the background thread
 * (decision 0167). An index on audit_log (person_id, seq) in the database itself cost every group commit one random
 * page write per confirmation — about a tenth of a confirmation's time. The background thread indexes the rows up
 * to a watermark; a read takes the indexed rows and scans the rows after the watermark, so it always sees every
 * committed row. The index lives in another file because a commit by another connection to the app's own file
 * makes SQLite drop the app connection's page cache (decision 0149).
 */
import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Row } from '../sql/database.js';

/** Where a database's person index lives: beside it, rebuilt from the audit log when missing. */
export function personIndexPath(databasePath: string): string {
  return `${databasePath}-persons`;
}

/** The schema name the index file is attached under. */
const SCHEMA = 'person_index';

/** The index's tables, in the file opened as main or attached (the background thread creates any that are missing). */
export const PERSON_INDEX_TABLES = (schema: string): string => `
CREATE TABLE IF NOT EXISTS ${schema}.audit_persons (
  person_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (person_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS ${schema}.watermark (
  name TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL
);
`;

/**
 * The watermark, when it describes this database: every audit row up to it is indexed. It names the row's hash too,
 * so an index beside a restored or replaced database is never trusted (the read scans, the thread rebuilds).
 */
const VALID_WATERMARK = `(SELECT w.seq FROM ${SCHEMA}.watermark w WHERE w.name = 'audit_log' AND (w.seq = 0 OR EXISTS (SELECT 1 FROM main.audit_log a WHERE a.seq = w.seq AND a.hash = w.hash)))`;

/**
 * One step of indexing, in one transaction on a connection with the index attached as `person_index`: drop an
 * index that does not describe this database, then index up to `@chunk` audit rows past the watermark and move it.
 * Run by the background thread (as SQL text: the thread's code is not a module) and by tests.
 */
export const INDEX_STEP_SQL: readonly string[] = [
  `DELETE FROM ${SCHEMA}.audit_persons WHERE ${VALID_WATERMARK} IS NULL`,
  `INSERT OR REPLACE INTO ${SCHEMA}.watermark (name, seq, hash) SELECT 'audit_log', 0, '' WHERE ${VALID_WATERMARK} IS NULL`,
  `INSERT INTO ${SCHEMA}.audit_persons (person_id, seq)
     SELECT person_id, seq FROM main.audit_log
      WHERE seq > (SELECT seq FROM ${SCHEMA}.watermark WHERE name = 'audit_log')
        AND seq <= (SELECT seq FROM ${SCHEMA}.watermark WHERE name = 'audit_log') + @chunk
        AND person_id IS NOT NULL
      ORDER BY person_id, seq`,
  `UPDATE ${SCHEMA}.watermark SET (seq, hash) =
     (SELECT seq, hash FROM main.audit_log WHERE seq <= watermark.seq + @chunk ORDER BY seq DESC LIMIT 1)
    WHERE name = 'audit_log' AND EXISTS (SELECT 1 FROM main.audit_log WHERE seq > watermark.seq)`,
];

/** Rows per step: a step is one transaction of the background thread, tens of milliseconds at most. */
export const INDEX_STEP_ROWS = 20_000;

/** Attaches the index file under its schema name. */
export function attachPersonIndex(db: Database.Database, indexPath: string): void {
  db.prepare(`ATTACH DATABASE ? AS ${SCHEMA}`).run(indexPath);
}

/**
 * Makes the index file ready (WAL, so the thread's commits and the reads never wait for each other): creates it when
 * missing, adds missing tables, and starts a file SQLite cannot read again from nothing (it is only a cache).
 */
export function ensurePersonIndex(indexPath: string): void {
  const prepare = (): void => {
    const db = new Database(indexPath);
    try {
      db.pragma('journal_mode = WAL');
      db.exec(PERSON_INDEX_TABLES('main'));
    } finally {
      db.close();
    }
  };
  try {
    prepare();
  } catch {
    for (const suffix of ['', '-wal', '-shm']) {
      rmSync(`${indexPath}${suffix}`, { force: true });
    }
    prepare();
  }
}

/** How far the index reaches, on a connection with it attached: 0 before the first step or when not trusted. */
export const WATERMARK_SQL = `SELECT COALESCE(${VALID_WATERMARK}, 0) AS seq`;

/**
 * Runs one indexing step on `db` (the app's database as main, the index attached); returns how far the watermark
 * moved (audit seqs). A step that moved less than `chunk` reached the last row committed when it began.
 */
export function indexAuditStep(db: Database.Database, chunk = INDEX_STEP_ROWS): number {
  const watermark = db.prepare(WATERMARK_SQL);
  const seqOf = (): number => (watermark.get() as { seq: number }).seq;
  const run = (sql: string): void => {
    const statement = db.prepare(sql);
    if (sql.includes('@chunk')) {
      statement.run({ chunk });
    } else {
      statement.run();
    }
  };
  const [first, ...rest] = INDEX_STEP_SQL;
  return db
    .transaction(() => {
      // Write before reading: the first statement takes the index's write lock (waiting, as busy_timeout allows,
      // for another indexer's step). Had the step read the watermark first, another indexer committing meanwhile —
      // the server's background thread, catchUpPersonIndex, a second process — would fail it at once with
      // SQLITE_BUSY. The first statement leaves the watermark as it was.
      if (first !== undefined) {
        run(first);
      }
      const before = seqOf();
      for (const sql of rest) {
        run(sql);
      }
      return seqOf() - before;
    })
    .deferred();
}

/** The newest audit rows of one person, newest first: the indexed ones and those past the watermark. */
const BY_PERSON_SQL = `
SELECT * FROM (
  SELECT a.* FROM ${SCHEMA}.audit_persons p JOIN main.audit_log a ON a.seq = p.seq AND a.person_id = p.person_id
   WHERE p.person_id = @person AND p.seq <= ${VALID_WATERMARK}
  UNION ALL
  SELECT * FROM main.audit_log WHERE seq > COALESCE(${VALID_WATERMARK}, 0) AND person_id = @person
) ORDER BY seq DESC LIMIT @limit`;

/** How many committed audit rows lie past the watermark (what a read scans). */
const UNINDEXED_SQL = `SELECT COALESCE((SELECT MAX(seq) FROM main.audit_log), 0) - COALESCE(${VALID_WATERMARK}, 0) AS n`;

/**
 * Reads one person's audit rows (committed ones: it uses a connection of its own, opened read-only for the read,
 * so it never holds the file open during a bulk load's journal switch), and says how many rows it had to scan.
 */
export function readAuditByPerson(
  databasePath: string,
  indexPath: string,
  personId: string,
  limit: number,
): { rows: Row[]; unindexed: number } {
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    try {
      attachPersonIndex(db, indexPath);
      const rows = db.prepare(BY_PERSON_SQL).all({ person: personId, limit }) as Row[];
      const unindexed = (db.prepare(UNINDEXED_SQL).get() as { n: number } | undefined)?.n ?? 0;
      return { rows, unindexed };
    } catch {
      // An index file that cannot be read (damaged, or its tables not yet made): the table answers alone.
      const rows = db
        .prepare('SELECT * FROM main.audit_log WHERE person_id = ? ORDER BY seq DESC LIMIT ?')
        .all(personId, limit) as Row[];
      return { rows, unindexed: Number.MAX_SAFE_INTEGER };
    }
  } finally {
    db.close();
  }
}

/**
 * Brings the person index of a database file up to its last audit row at once (rows indexed; a bench that measures
 * a server which has run a while, or an operator after restoring a copy without its index).
 */
export function catchUpPersonIndex(databasePath: string): number {
  const indexPath = personIndexPath(databasePath);
  ensurePersonIndex(indexPath);
  const db = new Database(databasePath, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    attachPersonIndex(db, indexPath);
    let indexed = 0;
    for (let moved = INDEX_STEP_ROWS; moved >= INDEX_STEP_ROWS;) {
      moved = indexAuditStep(db);
      indexed += moved;
    }
    return indexed;
  } finally {
    db.close();
  }
}
