import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FixedClock } from '@onshi/core';
import { createStore } from '../store/index.js';
import type { Store, StoreTx } from '../store/types.js';
import { AuditLog, verifyAuditChain, type AuditEntry } from './auditLog.js';

const entry = (i: number): AuditEntry => ({
  actorKind: 'institution',
  actorId: '1311111111',
  action: 'confirmation.byNumber',
  personId: `person-${i % 3}`,
  target: null,
  outcome: 'allowed',
  detail: { qualificationValidity: 1, i },
});

describe('hash-chained audit log (issue 6 "Trust and privacy": onshi audit verify detects tampering)', () => {
  let dir: string;
  let path: string;
  let store: Store;
  let log: AuditLog;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'onshi-audit-'));
    path = join(dir, 'audit.db');
    store = await createStore({ kind: 'sqlite', path }, { individualNumberKey: randomBytes(32) });
    log = new AuditLog(store, new FixedClock('2026-04-01T00:00:00Z'));
    await Promise.all(Array.from({ length: 25 }, (_, i) => log.append(entry(i))));
    await store.transaction(async (tx) => {
      await log.appendInTx(tx, entry(99));
    });
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Edits the file as an attacker with database access would: the append-only triggers are dropped first. */
  async function tamper(sql: string): Promise<void> {
    await store.close();
    const db = new Database(path);
    db.exec('DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;');
    db.exec(sql);
    db.close();
    store = await createStore({ kind: 'sqlite', path }, { individualNumberKey: randomBytes(32) });
  }

  it('concurrent appends (group commit) and in-transaction appends form one unbroken chain', async () => {
    const result = await verifyAuditChain(store);
    expect(result).toEqual({ ok: true, rows: 26, firstBadSeq: null, problem: null });
  });

  it('a group commit written as multi-row inserts keeps seq in arrival order, each row linked to the one before (decision 0147)', async () => {
    const rows = await store.audit.scan(0, 100);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 26 }, (_, i) => i + 1));
    expect(rows.map((r) => r.detail['i'])).toEqual([...Array.from({ length: 25 }, (_, i) => i), 99]);
    rows.slice(1).forEach((r, i) => {
      expect(r.prevHash).toBe(rows[i]?.hash);
    });
    // Each caller got back the row stored for its entry.
    const answers = await Promise.all([log.append(entry(200)), log.append(entry(201)), log.append(entry(202))]);
    expect(answers.map((r) => r.seq)).toEqual([27, 28, 29]);
    expect(await store.audit.scan(26, 10)).toEqual(answers);
  });

  it('appendWith commits another table’s row in the same group commit as its audit entry (decision 0132)', async () => {
    const written: string[][] = [];
    const writer = {
      async write(tx: StoreTx, items: readonly string[]): Promise<void> {
        written.push([...items]);
        await tx.audit.last();
      },
    };
    const rows = await Promise.all([
      log.appendWith(entry(1), writer, 'c1'),
      log.append(entry(2)),
      log.appendWith(entry(3), writer, 'c3'),
    ]);
    expect(written).toEqual([['c1', 'c3']]);
    expect(rows.map((r) => r.seq)).toEqual([27, 28, 29]);
    expect(await verifyAuditChain(store)).toMatchObject({ ok: true, rows: 29 });
  });

  it('a failing companion write leaves neither it nor any audit entry of that group commit (decision 0132)', async () => {
    const failing = {
      async write(tx: StoreTx): Promise<void> {
        await tx.audit.last();
        throw new Error('companion failed');
      },
    };
    const results = await Promise.allSettled([log.appendWith(entry(1), failing, 'x'), log.append(entry(2))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((await store.audit.last())?.seq).toBe(26);
    expect(await verifyAuditChain(store)).toMatchObject({ ok: true, rows: 26 });
  });

  it('a rolled-back transaction leaves no audit row behind', async () => {
    await expect(
      store.transaction(async (tx) => {
        await log.appendInTx(tx, entry(100));
        throw new Error('command failed');
      }),
    ).rejects.toThrow('command failed');
    expect((await store.audit.last())?.seq).toBe(26);
  });

  it('detects a changed entry', async () => {
    await tamper(`UPDATE audit_log SET outcome = 'refused' WHERE seq = 7`);
    expect(await verifyAuditChain(store)).toMatchObject({ ok: false, firstBadSeq: 7, problem: 'hash' });
  });

  it('detects a removed entry', async () => {
    await tamper('DELETE FROM audit_log WHERE seq = 12');
    expect(await verifyAuditChain(store)).toMatchObject({ ok: false, firstBadSeq: 12, problem: 'sequence' });
  });

  it('detects reordered entries', async () => {
    await tamper(
      'UPDATE audit_log SET seq = -1 WHERE seq = 4; UPDATE audit_log SET seq = 4 WHERE seq = 5; UPDATE audit_log SET seq = 5 WHERE seq = -1;',
    );
    expect(await verifyAuditChain(store)).toMatchObject({ ok: false, firstBadSeq: 4 });
  });

  it('with a window, entries arriving a moment apart share one group commit (decision 0161)', async () => {
    const windowed = new AuditLog(store, new FixedClock('2026-04-01T00:00:00Z'), { windowMs: 200 });
    const transactions = vi.spyOn(store, 'transaction');
    const first = windowed.append(entry(1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = windowed.append(entry(2));
    expect((await Promise.all([first, second])).map((r) => r.seq)).toEqual([27, 28]);
    expect(transactions).toHaveBeenCalledTimes(1);
    transactions.mockRestore();
  });

  it('without a window, each turn of the event loop commits its own group', async () => {
    const transactions = vi.spyOn(store, 'transaction');
    const first = log.append(entry(1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = log.append(entry(2));
    await Promise.all([first, second]);
    expect(transactions).toHaveBeenCalledTimes(2);
    transactions.mockRestore();
  });

  it('a full group commits without waiting out the window (decision 0161)', async () => {
    const windowed = new AuditLog(store, new FixedClock('2026-04-01T00:00:00Z'), { windowMs: 60_000 });
    const rows = await Promise.all(Array.from({ length: 64 }, (_, i) => windowed.append(entry(i))));
    expect(rows).toHaveLength(64);
    expect(await verifyAuditChain(store)).toMatchObject({ ok: true, rows: 90 });
  });
});
