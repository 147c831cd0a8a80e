import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FixedClock } from '@onshi/core';
import { AuditLog } from '@onshi/server/audit/auditLog';
import { createStore } from '@onshi/server/store';
import { verifyAudit } from './audit.js';

/*
 * `onshi audit verify` (issue 6 "Trust and privacy"): detects a changed, a removed and a reordered entry of the
 * hash-chained audit log, editing the SQLite file directly as an intruder with file access would (dropping the
 * append-only triggers first).
 */

let dir: string;
let db: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'onshi-audit-'));
  db = join(dir, 'onshi.db');
  const store = await createStore({ kind: 'sqlite', path: db }, { individualNumberKey: randomBytes(32) });
  const log = new AuditLog(store, new FixedClock('2026-04-01T00:00:00Z'));
  for (let i = 1; i <= 5; i += 1) {
    await log.append({
      actorKind: 'institution',
      actorId: '1310000010',
      action: 'oqs.confirm.number',
      personId: `person-${String(i)}`,
      target: `confirmation-${String(i)}`,
      outcome: 'allowed',
      detail: { n: i },
    });
  }
  await store.close();
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function tamper(sql: string): void {
  const raw = new Database(db);
  raw.exec('DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;');
  raw.exec(sql);
  raw.close();
}

describe('onshi audit verify', () => {
  it('reports an intact chain with exit code 0', async () => {
    expect(await verifyAudit(db)).toEqual({ exitCode: 0, message: 'audit log intact: 5 entries verified' });
  });

  it('detects a changed entry and names its seq', async () => {
    tamper(`UPDATE audit_log SET outcome = 'refused' WHERE seq = 3`);
    const report = await verifyAudit(db);
    expect(report.exitCode).toBe(1);
    expect(report.message).toContain('first bad seq 3');
    expect(report.message).toContain('changed');
  });

  it('detects a removed entry at the gap', async () => {
    tamper('DELETE FROM audit_log WHERE seq = 2');
    const report = await verifyAudit(db);
    expect(report.exitCode).toBe(1);
    expect(report.message).toContain('first bad seq 2');
  });

  it('detects two entries swapped (reordered), even with their seq numbers kept in place', async () => {
    tamper(`
      UPDATE audit_log SET seq = -4 WHERE seq = 4;
      UPDATE audit_log SET seq = 4 WHERE seq = 5;
      UPDATE audit_log SET seq = 5 WHERE seq = -4;
    `);
    const report = await verifyAudit(db);
    expect(report.exitCode).toBe(1);
    expect(report.message).toContain('first bad seq 4');
  });

  it('cannot see a truncated tail without an outside anchor: the entries before it still verify (decision 0103)', async () => {
    tamper('DELETE FROM audit_log WHERE seq = 5');
    expect(await verifyAudit(db)).toEqual({ exitCode: 0, message: 'audit log intact: 4 entries verified' });
  });

  it('exits 2 for a missing database', async () => {
    expect((await verifyAudit(join(dir, 'missing.db'))).exitCode).toBe(2);
  });

  it('exits non-zero from the real command line, naming the first bad seq', async () => {
    tamper(`UPDATE audit_log SET detail = '{"n":99}' WHERE seq = 4`);
    const main = join(import.meta.dirname, '..', 'main.ts');
    const run = promisify(execFile);
    const failure = await run(process.execPath, ['--import', 'tsx', main, 'audit', 'verify', '--db', db]).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ code: 1, stderr: expect.stringContaining('first bad seq 4') });
  });
});
