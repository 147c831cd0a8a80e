import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FixedClock } from '@onshi/core';
import { AuditLog, type AuditEntry } from '../../audit/auditLog.js';
import { createStore } from '../index.js';
import type { Store } from '../types.js';
import { attachPersonIndex, indexAuditStep, personIndexPath } from './personIndex.js';

const entry = (person: string | null, i: number): AuditEntry => ({
  actorKind: 'institution',
  actorId: '1311111111',
  action: 'oqs.confirm.number',
  personId: person,
  target: `c-${String(i)}`,
  outcome: 'allowed',
  detail: { i },
});

const PERSONS = ['person-a', 'person-b', 'person-c', null] as const;

describe('the audit log by person, indexed beside a SQLite file off the group commit (issue 6 "Trust and privacy": the person reads their own entries; decision 0167)', () => {
  let dir: string;
  let path: string;
  let store: Store;
  let log: AuditLog;
  let appended = 0;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'onshi-person-index-'));
    path = join(dir, 'onshi.db');
    store = await createStore({ kind: 'sqlite', path }, { individualNumberKey: randomBytes(32) });
    log = new AuditLog(store, new FixedClock('2026-11-23T00:00:00Z'));
    appended = 0;
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function append(n: number): Promise<void> {
    await Promise.all(
      Array.from({ length: n }, () => {
        appended += 1;
        return log.append(entry(PERSONS[appended % PERSONS.length] ?? null, appended));
      }),
    );
  }

  /** What the person's entries are, read from the table itself in a transaction (no index involved). */
  async function expected(person: string, limit: number): Promise<number[]> {
    const all = await store.transaction(async (tx) => tx.audit.scan(0, 1_000_000));
    return all
      .filter((r) => r.personId === person)
      .map((r) => r.seq)
      .reverse()
      .slice(0, limit);
  }

  /** Indexes as the background thread does, on a connection of its own; returns the steps that moved. */
  function catchUp(chunk: number): number {
    const db = new Database(path);
    try {
      attachPersonIndex(db, personIndexPath(path));
      let steps = 0;
      while (indexAuditStep(db, chunk) > 0) {
        steps += 1;
      }
      return steps;
    } finally {
      db.close();
    }
  }

  function indexFile<T>(fn: (db: Database.Database) => T): T {
    const db = new Database(personIndexPath(path));
    try {
      return fn(db);
    } finally {
      db.close();
    }
  }

  const seqs = async (person: string, limit: number): Promise<number[]> =>
    (await store.audit.listByPerson(person, limit)).map((r) => r.seq);

  it('a step waits for another indexer that is committing a step of its own, instead of failing (two indexers at once)', async () => {
    await append(40);
    catchUp(1000);
    await append(40);
    // Another indexer (here a thread writing the index file directly) holds the index's write lock for 300 ms and
    // commits a change, as the server's background thread does while an operator runs catchUpPersonIndex.
    const other = new Worker(
      `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.index);
db.exec('BEGIN IMMEDIATE');
db.exec("UPDATE watermark SET seq = seq WHERE name = 'audit_log'");
parentPort.postMessage('locked');
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
db.exec('COMMIT');
db.close();`,
      {
        eval: true,
        workerData: { driver: createRequire(import.meta.url).resolve('better-sqlite3'), index: personIndexPath(path) },
      },
    );
    await new Promise((resolve) => other.once('message', resolve));
    expect(catchUp(1000)).toBeGreaterThan(0);
    await new Promise((resolve) => other.once('exit', resolve));
    expect(await seqs('person-a', 100)).toEqual(await expected('person-a', 100));
  });

  it('before any indexing a read scans the log and finds every committed entry of the person, newest first', async () => {
    await append(40);
    expect(await seqs('person-a', 100)).toEqual(await expected('person-a', 100));
    expect(await seqs('person-b', 3)).toEqual(await expected('person-b', 3));
    expect(await seqs('person-z', 10)).toEqual([]);
  });

  it('indexed rows and the rows past the watermark read as one list, in order, limit respected', async () => {
    await append(60);
    expect(catchUp(25)).toBe(3);
    expect(indexFile((db) => db.prepare('SELECT seq FROM watermark').get())).toEqual({ seq: 60 });
    await append(17);
    for (const person of ['person-a', 'person-b', 'person-c']) {
      expect(await seqs(person, 100)).toEqual(await expected(person, 100));
      expect(await seqs(person, 7)).toEqual(await expected(person, 7));
    }
    // Entries without a person are not indexed under anyone.
    expect(indexFile((db) => db.prepare('SELECT COUNT(*) AS n FROM audit_persons').get())).toEqual({ n: 45 });
  });

  it('an index that does not describe this database is not trusted: reads scan, the next step rebuilds it', async () => {
    await append(30);
    catchUp(100);
    // As if the database had been restored from an older copy beside a newer index: the watermark's row differs.
    indexFile((db) => db.prepare("UPDATE watermark SET hash = 'x'").run());
    indexFile((db) => db.prepare("DELETE FROM audit_persons WHERE person_id = 'person-a'").run());
    expect(await seqs('person-a', 100)).toEqual(await expected('person-a', 100));
    expect(catchUp(100)).toBe(1);
    expect(
      indexFile((db) => db.prepare("SELECT COUNT(*) AS n FROM audit_persons WHERE person_id = 'person-a'").get()),
    ).toEqual({
      n: (await expected('person-a', 100)).length,
    });
    expect(await seqs('person-a', 100)).toEqual(await expected('person-a', 100));
  });

  it('an index file that cannot be read (damaged, or emptied) leaves the table to answer alone', async () => {
    await append(20);
    catchUp(100);
    writeFileSync(personIndexPath(path), 'not a database file, just text that is long enough to not be a header');
    expect(await seqs('person-b', 100)).toEqual(await expected('person-b', 100));
    rmSync(personIndexPath(path));
    writeFileSync(personIndexPath(path), '');
    expect(await seqs('person-b', 100)).toEqual(await expected('person-b', 100));
  });

  it("an index row naming another person's entry never returns it (the join checks the person again)", async () => {
    await append(12);
    catchUp(100);
    const [ofB] = await expected('person-b', 1);
    indexFile((db) => db.prepare("INSERT INTO audit_persons (person_id, seq) VALUES ('person-a', ?)").run(ofB));
    const rows = await store.audit.listByPerson('person-a', 100);
    expect(rows.every((r) => r.personId === 'person-a')).toBe(true);
    expect(rows.map((r) => r.seq)).toEqual(await expected('person-a', 100));
  });

  it('a server that writes steadily gets the background thread, which brings the index up to the last row (opening the store starts a damaged index file again)', async () => {
    await store.close();
    writeFileSync(personIndexPath(path), 'not a database file, just text that is long enough to not be a header');
    store = await createStore({ kind: 'sqlite', path }, { individualNumberKey: randomBytes(32) });
    log = new AuditLog(store, new FixedClock('2026-11-23T00:00:00Z'));
    // 250 separate commits: past the count that starts the thread (checkpoints and this index).
    for (let i = 0; i < 250; i += 1) {
      await append(2);
    }
    const watermark = (): number => {
      try {
        return indexFile(
          (db) => (db.prepare('SELECT seq FROM watermark').get() as { seq: number } | undefined)?.seq ?? 0,
        );
      } catch {
        return 0; // still the damaged file
      }
    };
    for (let waited = 0; watermark() < appended && waited < 10_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(watermark()).toBe(appended);
    expect(await seqs('person-c', 1000)).toEqual(await expected('person-c', 1000));
  });
});
