import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FixedClock } from '@onshi/core';
import { AuditLog, verifyAuditChain } from '../../audit/auditLog.js';
import { recordCheck } from '../../commands/oqs/record.js';
import { createStore } from '../index.js';
import type { CheckJournalPort, Confirmation, Store, StoreOptions, UnchainedAuditEntry } from '../types.js';
import {
  appendChecks,
  checkJournalPath,
  moveJournaledChecks,
  openJournalFile,
  type JournaledCheck,
} from './checkJournal.js';
import { openSqlite } from './database.js';

const INSTITUTION = '1311111111';

function check(i: number): JournaledCheck {
  const at = new Date(Date.UTC(2026, 10, 24, 1, 0, 0) + i * 1000).toISOString();
  const confirmation: Confirmation = {
    id: `c-${String(i).padStart(6, '0')}`,
    at,
    confirmedOn: '2026-11-24',
    institutionCode: INSTITUTION,
    personId: `person-${String(i % 3)}`,
    qualificationId: `q-${String(i % 3)}`,
    insurerNumber: '06230221',
    method: 'number',
    authentication: null,
    qualificationValidity: 1,
    resultCode: 'ok',
    referenceNumber: null,
  };
  const entry: UnchainedAuditEntry = {
    at,
    actorKind: 'institution',
    actorId: INSTITUTION,
    action: 'oqs.confirm.number',
    personId: confirmation.personId,
    target: confirmation.id,
    outcome: 'allowed',
    detail: { method: 'number', qualificationValidity: 1, resultCode: 'ok' },
  };
  return { confirmation, entry };
}

/** A valid check by number of `personId`, recorded as the OQS commands record one (with the app's AuditLog). */
function recordValidCheck(store: Store, personId: string): ReturnType<typeof recordCheck> {
  const clock = new FixedClock('2026-11-24T01:00:00Z');
  const deps = { ctx: { store, clock, secrets: { proofKey: randomBytes(32) } }, audit: new AuditLog(store, clock) };
  const check = {
    institutionCode: INSTITUTION,
    personId,
    qualificationId: `q-of-${personId}`,
    insurerNumber: '06230221',
    method: 'number' as const,
    authentication: null,
    qualificationValidity: 1,
    resultCode: 'ok',
    referenceNumber: null,
  };
  return recordCheck(deps, check, true);
}

/** A check handed to a running journal (its promise: durable in the journal when it resolves). */
function journalCheck(journal: CheckJournalPort, c: JournaledCheck): Promise<void> {
  const taken = journal.record(c.confirmation, c.entry);
  if (taken === null) {
    throw new Error('a running journal takes every check');
  }
  return taken;
}

/** Rows of a table read in a transaction: what the tables hold, without the settle a reader outside one does. */
async function tableCount(store: Store, table: 'confirmations' | 'audit_log'): Promise<number> {
  return store.transaction(async (tx) =>
    table === 'confirmations'
      ? (await tx.confirmations.listByInstitution(INSTITUTION, '0', '9')).length
      : (await tx.audit.scan(0, 1_000_000)).length,
  );
}

describe('the check journal of a SQLite file: checks durable beside the database, moved into its tables (issue 6 "Trust and privacy": every confirmation in the hash-chained audit log; decision 0168)', () => {
  let dir: string;
  let path: string;
  let store: Store;

  async function open(
    options: StoreOptions['checkJournal'] = { startAfter: 0, moveIntervalMs: 60_000 },
  ): Promise<Store> {
    return createStore({ kind: 'sqlite', path }, { individualNumberKey: randomBytes(32), checkJournal: options });
  }

  async function running(s: Store): Promise<void> {
    for (let i = 0; i < 500 && s.checkJournal?.status().running !== true; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(s.checkJournal?.status().running).toBe(true);
  }

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'onshi-check-journal-'));
    path = join(dir, 'onshi.db');
    store = await open();
    await store.institutions.upsert({
      institutionCode: INSTITUTION,
      name: '検証診療所',
      kind: 'clinic',
      prefecture: '13',
      address: '東京都',
      oqsEnabled: true,
      readerStatus: 'working',
      consentItemsEnabled: ['medication'],
      smartphoneReader: false,
    });
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a recorded check is durable in the journal first, and every reader outside a transaction sees it (settle)', async () => {
    await running(store);
    const journal = store.checkJournal;
    if (journal === undefined) {
      throw new Error('a SQLite file has a check journal');
    }
    await Promise.all(Array.from({ length: 150 }, (_, i) => check(i)).map((c) => journalCheck(journal, c)));
    // Durable in the journal file, not yet in the tables (the thread moves once a minute here).
    const raw = new Database(checkJournalPath(path), { readonly: true });
    expect(raw.prepare('SELECT count(*) AS n FROM journal_checks').get()).toEqual({ n: 150 });
    raw.close();
    expect(await tableCount(store, 'confirmations')).toBe(0);
    expect(journal.status()).toMatchObject({ pending: 150, moved: 0 });

    const listed = await store.confirmations.listByInstitution(INSTITUTION, '0', '9');
    expect(listed.map((c) => c.id)).toEqual(Array.from({ length: 150 }, (_, i) => check(i).confirmation.id).sort());
    expect(await tableCount(store, 'audit_log')).toBe(150);
    expect(await verifyAuditChain(store)).toEqual({ ok: true, rows: 150, firstBadSeq: null, problem: null });
    const history = await store.audit.listByPerson('person-1', 100);
    expect(history.map((r) => r.target)).toEqual(
      Array.from({ length: 150 }, (_, i) => i)
        .filter((i) => i % 3 === 1)
        .map((i) => check(i).confirmation.id)
        .reverse(),
    );
    const [usage] = await store.stats.sumUsage({ fromMonth: '2026-11', toMonth: '2026-11', groupBy: [] });
    expect(usage?.numberChecks).toBe(150);
    // What /metrics shows: 150 journaled, 150 moved, none waiting.
    expect(journal.status()).toMatchObject({ running: true, pending: 0, journaled: 150, moved: 150, moveFailures: 0 });
  });

  it('checks that come while the thread commits a group gather and go as one group when it answers, without a fixed window', async () => {
    await running(store);
    const journal = store.checkJournal;
    if (journal === undefined) {
      throw new Error('a SQLite file has a check journal');
    }
    // Another connection holds the journal file's write lock: the thread's commit of the first group waits for it.
    const blocker = new Database(checkJournalPath(path));
    blocker.exec('BEGIN IMMEDIATE');
    const first = journalCheck(journal, check(0));
    for (let i = 0; i < 100 && journal.status().groups < 1; i++) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(journal.status().groups).toBe(1);
    // Ten checks, 3 ms apart (longer than any window): none goes while the first group is in the thread's hands.
    const later: Promise<void>[] = [];
    for (let i = 1; i <= 10; i++) {
      later.push(journalCheck(journal, check(i)));
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    expect(journal.status()).toMatchObject({ groups: 1, journaled: 0 });
    blocker.exec('COMMIT');
    blocker.close();
    await Promise.all([first, ...later]);
    expect(journal.status()).toMatchObject({ groups: 2, journaled: 11 });
    const raw = new Database(checkJournalPath(path), { readonly: true });
    expect(raw.prepare('SELECT c_id AS id FROM journal_checks ORDER BY id').all()).toEqual(
      Array.from({ length: 11 }, (_, i) => ({ id: check(i).confirmation.id })),
    );
    raw.close();
  });

  it('recordCheck goes through the journal once it runs: the row and its audit entry are there for the next reader', async () => {
    await running(store);
    const recorded = await recordValidCheck(store, 'person-9');
    expect(recorded.proofOfCheck).not.toBeNull();
    const raw = new Database(checkJournalPath(path), { readonly: true });
    expect(raw.prepare('SELECT c_id AS id FROM journal_checks').all()).toEqual([{ id: recorded.confirmationId }]);
    raw.close();
    const last = await store.audit.last();
    expect(last).toMatchObject({ target: recorded.confirmationId, personId: 'person-9', at: recorded.at, seq: 1 });
    const [row] = await store.confirmations.listByInstitution(INSTITUTION, '0', '9');
    expect(row).toMatchObject({ id: recorded.confirmationId, at: recorded.at, method: 'number' });
  });

  it('a check the journal could not take (its transaction rolled back) is recorded by the group commit instead: never lost, never twice', async () => {
    await running(store);
    // Break the journal under the running threads: its table is gone, so the append thread's insert fails.
    const saboteur = new Database(checkJournalPath(path));
    saboteur.exec('DROP TABLE journal_checks');
    saboteur.close();
    const recorded = await recordValidCheck(store, 'person-7');
    const rows = await store.transaction((tx) => tx.audit.scan(0, 100));
    expect(rows.map((r) => r.target)).toEqual([recorded.confirmationId]);
    expect(await tableCount(store, 'confirmations')).toBe(1);
    // Repaired (the file's tables made again), the journal moves and closes cleanly.
    openJournalFile(checkJournalPath(path)).db.close();
  });

  it('entries appended inside transactions and journaled checks form one chain that verifies', async () => {
    await running(store);
    const log = new AuditLog(store, new FixedClock('2026-11-24T00:00:00Z'));
    const journal = store.checkJournal;
    if (journal === undefined) {
      throw new Error('a SQLite file has a check journal');
    }
    for (let round = 0; round < 5; round++) {
      await Promise.all([
        ...Array.from({ length: 20 }, (_, i) => check(round * 20 + i)).map((c) => journalCheck(journal, c)),
        store.transaction((tx) =>
          log.appendInTx(tx, {
            actorKind: 'insurer',
            actorId: '06230221',
            action: 'insurer.member.update',
            personId: 'person-0',
            target: null,
            outcome: 'allowed',
            detail: { round },
          }),
        ),
      ]);
      await journal.settle();
    }
    expect(await verifyAuditChain(store)).toEqual({ ok: true, rows: 105, firstBadSeq: null, problem: null });
  });

  it('what a stopped process left in the journal is moved when the store opens again, and the journal empties', async () => {
    await store.close();
    const file = openJournalFile(checkJournalPath(path));
    appendChecks(file, [check(1), check(2), check(3)]);
    file.db.close();
    store = await open({ startAfter: 1_000_000 });
    expect(await tableCount(store, 'confirmations')).toBe(3);
    expect(await tableCount(store, 'audit_log')).toBe(3);
    const raw = new Database(checkJournalPath(path), { readonly: true });
    expect(raw.prepare('SELECT count(*) AS n FROM journal_checks').get()).toEqual({ n: 0 });
    raw.close();
  });

  it('a move interrupted between its commit and the journal cleanup is not repeated (the position moved is in the same transaction)', async () => {
    await store.close();
    const file = openJournalFile(checkJournalPath(path));
    appendChecks(file, [check(1), check(2)]);
    const rows = file.db.prepare('SELECT * FROM journal_checks ORDER BY id').all();
    const main = openSqlite(path, { background: false });
    expect(await moveJournaledChecks(main, file, 100)).toBe(2);
    // As if the process had stopped before deleting the moved rows: they are back in the journal.
    const columns = Object.keys(rows[0] as object);
    const insert = file.db.prepare(
      `INSERT INTO journal_checks (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`,
    );
    for (const row of rows) {
      insert.run(row);
    }
    appendChecks(file, [check(3)]);
    expect(await moveJournaledChecks(main, file, 100)).toBe(1);
    await main.close();
    file.db.close();
    store = await open({ startAfter: 1_000_000 });
    expect(await tableCount(store, 'confirmations')).toBe(3);
    expect(await verifyAuditChain(store)).toEqual({ ok: true, rows: 3, firstBadSeq: null, problem: null });
  });

  it('a damaged journal row stops the move with an error and nothing is lost: the journal keeps every row', async () => {
    await store.close();
    const file = openJournalFile(checkJournalPath(path));
    appendChecks(file, [check(1), check(2)]);
    file.db.prepare("UPDATE journal_checks SET c_method = 'telepathy' WHERE c_id = ?").run(check(2).confirmation.id);
    const main = openSqlite(path, { background: false });
    await expect(moveJournaledChecks(main, file, 100)).rejects.toThrow(/method/);
    expect(file.db.prepare('SELECT count(*) AS n FROM journal_checks').get()).toEqual({ n: 2 });
    expect(await main.get('SELECT count(*) AS n FROM confirmations')).toEqual({ n: 0 });
    expect(await main.get('SELECT count(*) AS n FROM audit_log')).toEqual({ n: 0 });
    await main.close();
    file.db.close();
    await expect(open({ startAfter: 1_000_000 })).rejects.toThrow(/method/);
    // Repaired by hand, the next open moves both.
    const repair = new Database(checkJournalPath(path));
    repair.prepare("UPDATE journal_checks SET c_method = 'number'").run();
    repair.close();
    store = await open({ startAfter: 1_000_000 });
    expect(await tableCount(store, 'confirmations')).toBe(2);
  });

  it('a journal file replaced by a new one (its own identity) is moved from its start', async () => {
    await running(store);
    const journal = store.checkJournal;
    if (journal === undefined) {
      throw new Error('a SQLite file has a check journal');
    }
    await Promise.all([check(1), check(2)].map((c) => journalCheck(journal, c)));
    await store.close();
    for (const suffix of ['', '-wal', '-shm']) {
      rmSync(`${checkJournalPath(path)}${suffix}`, { force: true });
    }
    const file = openJournalFile(checkJournalPath(path));
    appendChecks(file, [check(3)]);
    file.db.close();
    store = await open({ startAfter: 1_000_000 });
    expect(await tableCount(store, 'confirmations')).toBe(3);
  });
});
