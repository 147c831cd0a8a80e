import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '@onshi/server/audit/auditLog';
import { openContext } from '../context.js';

const ROOT = resolve(import.meta.dirname, '../../../..');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'onshi-serve-kill-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((done, failed) => {
    const probe = createServer();
    probe.once('error', failed);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => {
        done(port);
      });
    });
  });
}

/** The ids of the institution's confirmations in the database now (read beside the running server). */
function confirmationIdsOf(db: string, institutionCode: string): Set<string> {
  const raw = new Database(db, { readonly: true });
  try {
    const ids = raw.prepare('SELECT id FROM confirmations WHERE institution_code = ?').pluck().all(institutionCode);
    return new Set(ids.filter((id): id is string => typeof id === 'string'));
  } finally {
    raw.close();
  }
}

/** A member in force of the seeded database, as a confirmation by number carries it. */
function searchInfoOf(db: string): Record<string, string> {
  const raw = new Database(db, { readonly: true });
  try {
    const r = raw
      .prepare(
        'SELECT q.insurer_number AS i, q.symbol AS s, q.number AS n, q.branch AS b, p.birth_date AS d ' +
          'FROM qualifications q JOIN persons p ON p.id = q.person_id WHERE q.lost_on IS NULL ORDER BY q.id LIMIT 1',
      )
      .get() as { i: string; s: string | null; n: string; b: string | null; d: string };
    return {
      insurerNumber: r.i,
      ...(r.s !== null ? { insuredCardSymbol: r.s } : {}),
      insuredIdentificationNumber: r.n,
      ...(r.b !== null ? { insuredBranchNumber: r.b } : {}),
      birthdate: r.d.replaceAll('-', ''),
    };
  } finally {
    raw.close();
  }
}

describe('kill -9 of a running server in the middle of confirmations (issue 6 "Trust and privacy"; decision 0168: durable before the answer)', () => {
  it('keeps every confirmation it answered, once each, in the audit chain, after the next start', async () => {
    const db = join(dir, 'onshi.db');
    const port = await freePort();
    const server = spawn(
      process.execPath,
      ['--import', 'tsx', 'packages/cli/src/main.ts', 'serve', '--db', db, '--port', String(port)],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ONSHI_DEMO_PEOPLE: '60' } },
    );
    const exit = new Promise<NodeJS.Signals | null>((done) =>
      server.on('exit', (_code, signal) => {
        done(signal);
      }),
    );
    const base = `http://127.0.0.1:${String(port)}`;
    for (let i = 0; i < 600; i++) {
      const up = await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) {
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const credentials = JSON.parse(readFileSync(`${db}.credentials.json`, 'utf8')) as {
      institutions: Record<string, string>;
    };
    const [code, token] = Object.entries(credentials.institutions)[0] ?? ['', ''];
    const body = JSON.stringify({
      messageHeader: { medicalInstitutionCode: code },
      messageBody: { qualificationConfirmSearchInfo: searchInfoOf(db) },
    });
    // What the institution had before the load (the demo seed's own checks), so the rest is this test's.
    const earlier = confirmationIdsOf(db, code);
    // Confirmations from 8 clients at once; every one the server answered is remembered, until the kill.
    const answered: string[] = [];
    const state = { killed: false };
    const client = async (): Promise<void> => {
      while (!state.killed) {
        try {
          const res = await fetch(`${base}/oqs/v1/qualification-confirmations`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body,
          });
          const id = res.headers.get('onshi-confirmation-id');
          await res.arrayBuffer();
          if (res.status === 200 && id !== null) {
            answered.push(id);
          }
        } catch {
          return;
        }
      }
    };
    const clients = Array.from({ length: 8 }, () => client());
    // Enough for a move or two of the journal's thread and a group or more still waiting in the file.
    while (answered.length < 1500) {
      await new Promise((r) => setTimeout(r, 20));
    }
    // The server runs its check journal (/metrics says so) and has checks waiting in it or moved.
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^onshi_check_journal_running 1$/m);
    expect(metrics).toMatch(/^onshi_check_journal_move_failures 0$/m);
    server.kill('SIGKILL');
    state.killed = true;
    expect(await exit).toBe('SIGKILL');
    await Promise.all(clients);

    // The next open moves what the journal held; every answered confirmation is there once, and the chain verifies.
    const ctx = await openContext(db);
    try {
      const rows = (await ctx.store.confirmations.listByInstitution(code, '', '9999-12-31T23:59:59.999Z')).filter(
        (r) => !earlier.has(r.id),
      );
      const ids = new Set(rows.map((r) => r.id));
      expect(ids.size).toBe(rows.length);
      expect(answered.filter((id) => !ids.has(id))).toEqual([]);
      const chain = await verifyAuditChain(ctx.store);
      expect(chain.ok).toBe(true);
      const audited = (await ctx.store.audit.scan(0, 1_000_000)).filter((r) => r.action === 'oqs.confirm.number');
      expect(new Set(audited.map((r) => r.target))).toEqual(ids);
      expect(audited).toHaveLength(rows.length);
    } finally {
      await ctx.store.close();
    }
  }, 300_000);
});
