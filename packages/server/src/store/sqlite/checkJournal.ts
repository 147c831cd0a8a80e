/**
 * The check journal of a SQLite file (decision 0168). The hot path of issue 6 records, per confirmation, a
 * confirmation row, its statistics and a hash-chained audit entry; written on the app's connection that cost the
 * event loop a fifth of a confirmation by number, and written by another connection to the same file it made every
 * read of the app's connection slower (each commit of another connection drops its page cache, decision 0149).
 *
 * So a thread of its own appends each check to a journal file beside the database (`<db>-checks`): durable there
 * when the caller gets its answer, and the app's connection neither writes nor loses its cache. About once a second
 * the thread moves what the journal holds into the database's tables in one transaction — confirmation rows, usage
 * statistics, and the audit entries chained after the log's tail — and records in the database how far it moved, in
 * the same transaction, so a move interrupted anywhere is neither lost nor repeated. A reader of those tables calls
 * `settle` first and sees every check recorded before.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { chainAuditRows } from '../../audit/auditLog.js';
import { valuesPlaceholders, type Row, type SqlDatabase, type SqlValue } from '../sql/database.js';
import {
  AUDIT_COLS,
  auditValuesWithDetail,
  CONFIRMATION_COLS,
  confirmationValues,
  insertConfirmations,
  toAudit,
  toConfirmation,
  toUnchainedAudit,
} from '../sql/sqlStore.js';
import {
  CheckNotJournaledError,
  type CheckJournalOptions,
  type CheckJournalPort,
  type CheckJournalStatus,
  type Confirmation,
  type UnchainedAuditEntry,
} from '../types.js';

/** The journal file of the database at `dbPath`. */
export function checkJournalPath(dbPath: string): string {
  return `${dbPath}-checks`;
}

/** Checks moved per transaction: a move holds the database's write lock for a few milliseconds at most. */
export const MOVE_CHUNK = 1024;

/** The audit columns a caller gives (an entry before the chain gives it seq, links and hash). */
const ENTRY_COLS = ['at', 'actor_kind', 'actor_id', 'action', 'person_id', 'target', 'outcome', 'detail'];
/** A journal row's columns after its id: the confirmation's (c_…), then the entry's (a_…). */
const JOURNAL_COLS = [...CONFIRMATION_COLS.map((c) => `c_${c}`), ...ENTRY_COLS.map((c) => `a_${c}`)];

const JOURNAL_TABLES = `
CREATE TABLE IF NOT EXISTS journal_meta (journal_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS journal_checks (id INTEGER PRIMARY KEY AUTOINCREMENT, ${JOURNAL_COLS.join(', ')});`;

/** Appends `rows` journal rows in one statement. */
function insertChecksSql(rows: number): string {
  return `INSERT INTO journal_checks (${JOURNAL_COLS.join(', ')}) VALUES ${valuesPlaceholders(rows, JOURNAL_COLS.length)}`;
}

const INSERT_CHECK = insertChecksSql(1);

/** The statement sizes the append thread writes a group in, largest first. */
const APPEND_SIZES = [32, 16, 8, 4, 2, 1];

/** A journal file's connection and identity (a new file is a new journal: how far it moved starts again). */
export interface JournalFile {
  db: Database.Database;
  journalId: string;
  /** The append statement, prepared on first use. */
  insert?: Database.Statement;
}

/** Opens the journal file, creating it and its identity if needed. */
export function openJournalFile(path: string): JournalFile {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    const journalId = db
      .transaction(() => {
        db.exec(JOURNAL_TABLES);
        const row: unknown = db.prepare('SELECT journal_id FROM journal_meta').get();
        const known: unknown = typeof row === 'object' && row !== null ? Reflect.get(row, 'journal_id') : undefined;
        if (typeof known === 'string') {
          return known;
        }
        const id = randomUUID();
        db.prepare('INSERT INTO journal_meta (journal_id) VALUES (?)').run(id);
        return id;
      })
      .immediate();
    return { db, journalId };
  } catch (error) {
    db.close();
    throw error;
  }
}

/** One check as the journal takes it. */
export interface JournaledCheck {
  confirmation: Confirmation;
  entry: UnchainedAuditEntry;
}

/** A check as one journal row's values (confirmation columns, then the entry's), in INSERT_CHECK's order. */
function checkRow({ confirmation, entry }: JournaledCheck): SqlValue[] {
  return [
    ...confirmationValues(confirmation),
    entry.at,
    entry.actorKind,
    entry.actorId,
    entry.action,
    entry.personId,
    entry.target,
    entry.outcome,
    JSON.stringify(entry.detail),
  ];
}

/** Appends checks to the journal in one transaction (what the append thread does; tests and tools call it). */
export function appendChecks(file: JournalFile, checks: readonly JournaledCheck[]): void {
  file.insert ??= file.db.prepare(INSERT_CHECK);
  const insert = file.insert;
  file.db.transaction(() => {
    for (const check of checks) {
      insert.run(checkRow(check));
    }
  })();
}

/**
 * The append thread's code (CommonJS, run with `eval`, so it starts in milliseconds without the TypeScript loader):
 * each group of rows — mapped to values on the app's side — goes into the journal in one transaction, then the
 * group is answered; a failed transaction rolled back and says so.
 */
const APPENDER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 5000');
db.exec(workerData.tables);
// Multi-row INSERTs of the sizes given, largest first (32, 16 … 1 rows): a group's rows go in a few statements
// instead of one each, in order, so their ids keep the order the checks came in.
const inserts = workerData.inserts.map(([size, sql]) => [size, db.prepare(sql)]);
const append = db.transaction((rows) => {
  for (let i = 0; i < rows.length; ) {
    const [size, insert] = inserts.find(([size]) => size <= rows.length - i);
    insert.run(rows.slice(i, i + size).flat());
    i += size;
  }
});
parentPort.on('message', (m) => {
  try {
    append(m.rows);
    parentPort.postMessage({ kind: 'appended', batch: m.batch });
  } catch (error) {
    parentPort.postMessage({ kind: 'appendFailed', batch: m.batch, message: String(error && error.message ? error.message : error) });
  }
});
parentPort.postMessage({ kind: 'ready' });
`;

const READ_CHECKS = `SELECT id, ${JOURNAL_COLS.join(', ')} FROM journal_checks WHERE id > ? ORDER BY id LIMIT ?`;

/** A journal row (id, confirmation columns, entry columns, as READ_CHECKS lists them) as the two stored rows. */
function decodeCheck(values: readonly unknown[]): { id: number; confirmation: Row; entry: Row } {
  const confirmation: Row = {};
  const entry: Row = {};
  let k = 1;
  for (const c of CONFIRMATION_COLS) {
    confirmation[c] = values[k++];
  }
  for (const c of ENTRY_COLS) {
    entry[c] = values[k++];
  }
  return { id: Number(values[0]), confirmation, entry };
}

/**
 * Moves up to `limit` journaled checks into the database (`main`) in one transaction: confirmation rows, their
 * usage statistics and their audit entries chained after the log's tail, and how far this journal has moved. The
 * journal's moved rows are deleted afterwards (a crash in between leaves rows that the recorded position skips).
 * Returns how many checks moved. Rows are validated like any stored row: a damaged journal stops the move.
 */
export async function moveJournaledChecks(main: SqlDatabase, file: JournalFile, limit: number): Promise<number> {
  const read = file.db.prepare(READ_CHECKS).raw();
  const moved = await main.transaction(async (tx) => {
    const state = await tx.get('SELECT moved_through FROM check_journal_state WHERE journal_id = ?', [file.journalId]);
    const after = state === undefined ? 0 : Number(state.moved_through);
    const rows = read.all(after, limit).map((r) => decodeCheck(Array.isArray(r) ? r : []));
    const lastRow = rows[rows.length - 1];
    if (lastRow === undefined) {
      return { count: 0, through: after };
    }
    const confirmations = rows.map((r) => toConfirmation(r.confirmation));
    const entries = rows.map((r) => toUnchainedAudit(r.entry));
    await insertConfirmations(tx, confirmations);
    const tail = await tx.get('SELECT * FROM audit_log ORDER BY seq DESC LIMIT 1');
    const chained = chainAuditRows(tail === undefined ? null : toAudit(tail), entries);
    // Each entry's detail goes in as the journal's text (validated above), not serialised once more.
    await tx.insertMany(
      'audit_log',
      AUDIT_COLS,
      chained.map((row, i) => auditValuesWithDetail(row, String(rows[i]?.entry.detail))),
    );
    const through = lastRow.id;
    await tx.run(
      'INSERT INTO check_journal_state (journal_id, moved_through) VALUES (?, ?) ' +
        'ON CONFLICT (journal_id) DO UPDATE SET moved_through = excluded.moved_through',
      [file.journalId, through],
    );
    return { count: rows.length, through };
  });
  if (moved.through > 0) {
    file.db.prepare('DELETE FROM journal_checks WHERE id <= ?').run(moved.through);
  }
  return moved.count;
}

/** Moves every journaled check, chunk by chunk; returns how many moved. */
export async function moveAllJournaledChecks(main: SqlDatabase, file: JournalFile): Promise<number> {
  let total = 0;
  for (;;) {
    const count = await moveJournaledChecks(main, file, MOVE_CHUNK);
    total += count;
    if (count < MOVE_CHUNK) {
      return total;
    }
  }
}

/** What the thread posts. */
type ThreadMessage =
  | { kind: 'ready' }
  | { kind: 'appended'; batch: number }
  | { kind: 'appendFailed'; batch: number; message: string }
  | { kind: 'settled'; id: number; message: string | null }
  | { kind: 'moved'; count: number }
  | { kind: 'moveFailed'; message: string };

function isThreadMessage(value: unknown): value is ThreadMessage {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const kind: unknown = Reflect.get(value, 'kind');
  return (
    kind === 'ready' ||
    kind === 'appended' ||
    kind === 'appendFailed' ||
    kind === 'settled' ||
    kind === 'moved' ||
    kind === 'moveFailed'
  );
}

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

/** How long `close` waits for the groups already handed to the thread to be answered (ms). */
const CLOSE_WAIT_MS = 5_000;

/** Checks per group that go to the thread at once, whether or not it still commits the one before. */
const FULL_GROUP = 64;

/**
 * The app side of the journal: hands groups of checks to the thread and resolves their callers once the thread has
 * committed them to the journal file. One group is in the thread's hands at a time: while it commits, the next
 * gathers and goes the moment the first is answered (or when full); a check that finds the thread idle waits
 * `windowMs` for company. So groups grow with the load and no check waits for a fixed window behind a busy thread
 * (measured: by number +8–13 % at 64 requests in flight against a fixed 2 ms window, decision 0168 addendum).
 * Without the thread (not started yet, failed, or a short-lived process) `settle` moves what the file holds on the
 * app's own connection.
 */
export class CheckJournal implements CheckJournalPort {
  /** The thread appending groups to the journal, and the one moving the journal into the tables. */
  private threads: { appender: Worker; mover: Worker } | undefined;
  private ready = false;
  private failed = false;
  private notes = 0;
  private readonly counts = { journaled: 0, moved: 0, moveFailures: 0, groups: 0 };
  private group: JournaledCheck[] = [];
  private groupWaiters: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  private nextId = 1;
  private readonly batches = new Map<number, Waiter[]>();
  private readonly settles = new Map<number, Waiter>();
  private local: JournalFile | undefined;
  private readonly options: Required<CheckJournalOptions>;

  constructor(
    private readonly dbPath: string,
    private readonly main: SqlDatabase,
    options: CheckJournalOptions = {},
  ) {
    this.options = {
      startAfter: options.startAfter ?? 200,
      windowMs: options.windowMs ?? 1,
      moveIntervalMs: options.moveIntervalMs ?? 1_000,
      // A problem message names no person (it comes from SQLite or the thread); without a handler it is a warning.
      onProblem:
        options.onProblem ??
        ((message: string) => {
          process.emitWarning(message, 'OnshiCheckJournal');
        }),
    };
    if (this.options.startAfter <= 0) {
      this.start();
    }
  }

  record(confirmation: Confirmation, entry: UnchainedAuditEntry): Promise<void> | null {
    if (!this.ready) {
      this.notes += 1;
      if (this.notes >= this.options.startAfter) {
        this.start();
      }
      return null;
    }
    return new Promise<void>((resolve, reject) => {
      this.group.push({ confirmation, entry });
      this.groupWaiters.push({ resolve, reject });
      if (this.group.length >= FULL_GROUP) {
        this.send();
      } else if (this.timer === undefined && this.batches.size === 0) {
        this.timer = setTimeout(() => {
          this.send();
        }, this.options.windowMs);
      }
    });
  }

  async settle(): Promise<void> {
    this.send();
    if (this.ready && this.threads !== undefined) {
      const { mover } = this.threads;
      const id = this.nextId++;
      await new Promise<void>((resolve, reject) => {
        this.settles.set(id, { resolve, reject });
        mover.postMessage({ kind: 'settle', id });
      });
      return;
    }
    // No thread: move on this connection (another process's journal, or one a stopped server left).
    if (this.local === undefined) {
      const path = checkJournalPath(this.dbPath);
      if (!existsSync(path)) {
        return;
      }
      this.local = openJournalFile(path);
    }
    this.counts.moved += await moveAllJournaledChecks(this.main, this.local);
  }

  status(): CheckJournalStatus {
    return {
      running: this.ready,
      pending: Math.max(0, this.counts.journaled - this.counts.moved),
      ...this.counts,
    };
  }

  /** Moves everything, stops the thread and closes the journal file. */
  async close(): Promise<void> {
    try {
      // Groups handed over are answered first (their checks then move with the settle below, or at the next open).
      this.send();
      const until = performance.now() + CLOSE_WAIT_MS;
      while (this.batches.size > 0 && this.threads !== undefined && performance.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await this.settle();
    } finally {
      const threads = this.threads;
      this.threads = undefined;
      this.ready = false;
      if (threads !== undefined) {
        await Promise.all([threads.appender.terminate(), threads.mover.terminate()]);
      }
      const unanswered = new Error('the check journal closed before answering (the check may be in its file)');
      for (const waiters of this.batches.values()) {
        for (const w of waiters) {
          w.reject(unanswered);
        }
      }
      this.batches.clear();
      this.local?.db.close();
      this.local = undefined;
    }
  }

  start(): void {
    if (this.threads !== undefined || this.failed) {
      return;
    }
    const threads = { appender: this.spawnAppender(), mover: this.spawnMover() };
    this.threads = threads;
    for (const worker of [threads.appender, threads.mover]) {
      worker.on('message', (message: unknown) => {
        this.onMessage(message);
      });
      worker.on('error', (error) => {
        this.failIfCurrent(threads, `the check journal's thread failed: ${error.message}`);
      });
      worker.on('exit', (code) => {
        this.failIfCurrent(threads, `the check journal's thread stopped (exit code ${String(code)})`);
      });
    }
  }

  /** The append thread: a few milliseconds to start, so checks go through the journal almost at once. */
  private spawnAppender(): Worker {
    const worker = new Worker(APPENDER_SOURCE, {
      eval: true,
      workerData: {
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        path: checkJournalPath(this.dbPath),
        tables: JOURNAL_TABLES,
        inserts: APPEND_SIZES.map((size) => [size, insertChecksSql(size)]),
      },
    });
    worker.unref();
    return worker;
  }

  /**
   * The move thread, apart from the append thread: appends never wait behind a move, and a move can take a second's
   * checks in large transactions (each commit of another connection costs the app's connection its page cache, 0149).
   */
  private spawnMover(): Worker {
    const worker = new Worker(new URL('../../threads/tsWorker.mjs', import.meta.url), {
      workerData: {
        entry: new URL('./checkJournalThread.ts', import.meta.url).href,
        dbPath: this.dbPath,
        journalPath: checkJournalPath(this.dbPath),
        moveIntervalMs: this.options.moveIntervalMs,
      },
      execArgv: [],
    });
    worker.unref();
    return worker;
  }

  private onMessage(message: unknown): void {
    if (!isThreadMessage(message)) {
      return;
    }
    switch (message.kind) {
      case 'ready':
        // The append thread has opened the journal file (the move thread needs no answer: settles wait in its queue).
        this.ready = true;
        return;
      case 'appended':
        for (const w of this.batches.get(message.batch) ?? []) {
          this.counts.journaled += 1;
          w.resolve();
        }
        this.batches.delete(message.batch);
        this.sendGathered();
        return;
      case 'appendFailed': {
        // The thread's transaction rolled back: nothing of the group is in the journal.
        const error = new CheckNotJournaledError(`the check journal could not take a check: ${message.message}`);
        for (const w of this.batches.get(message.batch) ?? []) {
          w.reject(error);
        }
        this.batches.delete(message.batch);
        this.sendGathered();
        return;
      }
      case 'settled': {
        const w = this.settles.get(message.id);
        this.settles.delete(message.id);
        if (message.message === null) {
          w?.resolve();
        } else {
          w?.reject(new Error(`the check journal could not move its checks: ${message.message}`));
        }
        return;
      }
      case 'moved':
        this.counts.moved += message.count;
        return;
      case 'moveFailed':
        this.counts.moveFailures += 1;
        this.options.onProblem(`the check journal could not move its checks: ${message.message}`);
        return;
    }
  }

  /** The thread has answered: what gathered meanwhile goes at once (a check that came alone has its timer). */
  private sendGathered(): void {
    if (this.batches.size === 0 && this.group.length > 0) {
      this.send();
    }
  }

  /** Hands the current group to the thread. */
  private send(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.group.length === 0) {
      return;
    }
    const checks = this.group;
    const waiters = this.groupWaiters;
    this.group = [];
    this.groupWaiters = [];
    const worker = this.threads?.appender;
    if (worker === undefined) {
      const error = new CheckNotJournaledError('the check journal is not running');
      for (const w of waiters) {
        w.reject(error);
      }
      return;
    }
    const batch = this.nextId++;
    this.batches.set(batch, waiters);
    this.counts.groups += 1;
    worker.postMessage({ kind: 'append', batch, rows: checks.map(checkRow) });
  }

  /** A thread of `threads` ended: a failure, unless those threads were already replaced or stopped. */
  private failIfCurrent(threads: { appender: Worker; mover: Worker }, reason: string): void {
    if (this.threads === threads) {
      this.fail(reason);
    }
  }

  /** The thread is gone: callers waiting on it fail (their checks may be in the file; a later move takes them). */
  private fail(reason: string): void {
    const threads = this.threads;
    this.threads = undefined;
    this.ready = false;
    this.failed = true;
    if (threads !== undefined) {
      void threads.appender.terminate();
      void threads.mover.terminate();
    }
    this.options.onProblem(reason);
    const error = new Error(reason);
    for (const waiters of this.batches.values()) {
      for (const w of waiters) {
        w.reject(error);
      }
    }
    this.batches.clear();
    for (const w of this.settles.values()) {
      w.reject(error);
    }
    this.settles.clear();
    // Groups not handed over yet were certainly not written.
    const notSent = new CheckNotJournaledError(reason);
    for (const w of this.groupWaiters) {
      w.reject(notSent);
    }
    this.group = [];
    this.groupWaiters = [];
  }
}
