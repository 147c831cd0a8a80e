import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openContext } from '../context.js';
import { seedPopulation } from '../seed/seedPopulation.js';
import { writeSampleMembersCsv } from './sampleMembers.js';

const ROOT = resolve(import.meta.dirname, '../../../..');
const KYOKAI_TOKYO = '01130012';
const ROWS = 40_000;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'onshi-kill-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The 個人番号 of the file's first data row (column 19 of the sample layout). */
function firstIndividualNumber(csv: string): string {
  const line = readFileSync(csv, 'utf8').split('\r\n')[1] ?? '';
  return line.split(',')[18] ?? '';
}

async function counts(
  db: string,
  individualNumber: string,
): Promise<{ persons: number; members: number; linked: boolean }> {
  const ctx = await openContext(db);
  try {
    return {
      persons: await ctx.store.persons.count(),
      members: await ctx.store.qualifications.countByInsurer(KYOKAI_TOKYO, '2026-04-01'),
      linked: (await ctx.store.individualNumbers.findByNumber(individualNumber)) !== null,
    };
  } finally {
    await ctx.store.close();
  }
}

describe('kill -9 in the middle of an import (issue 4 "Bulk import"; decision 0041: one transaction)', () => {
  it('leaves the database exactly as before, and it opens and imports fine afterwards', async () => {
    const db = join(dir, 'onshi.db');
    const ctx = await openContext(db);
    await seedPopulation(ctx.store, { people: 40, seed: 3, asOf: '2026-04-01', institutions: 10 });
    await ctx.store.close();
    const csv = join(dir, 'members.csv');
    await writeSampleMembersCsv(csv, {
      rows: ROWS,
      seed: 'kill',
      insurerNumber: KYOKAI_TOKYO,
      scheme: 'kyokai',
      acquiredOn: '2026-04-01',
      encoding: 'utf8',
    });
    const number = firstIndividualNumber(csv);
    expect(number).toMatch(/^\d{12}$/);
    const before = await counts(db, number);
    expect(before.linked).toBe(false);

    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'packages/cli/src/main.ts', 'import', 'members', '--insurer', KYOKAI_TOKYO, csv, '--db', db],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    const exit = new Promise<NodeJS.Signals | null>((done) =>
      child.on('exit', (_code, signal) => {
        done(signal);
      }),
    );
    // Kill once 10,000 rows are reported: by then at least four chunks of 2,000 rows were written inside the
    // transaction (rows are read on a worker thread, but counted as the writer takes them: decision 0151).
    await new Promise<void>((started, failed) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const m = /import: (\d+) rows read/.exec(
          stderr
            .split('\n')
            .filter((l) => l.includes('rows read'))
            .pop() ?? '',
        );
        if (m !== null && Number(m[1]) >= 10_000) {
          started();
        }
      });
      child.on('exit', () => {
        failed(new Error(`import ended before it was killed: ${stderr}`));
      });
    });
    child.kill('SIGKILL');
    expect(await exit).toBe('SIGKILL');
    // Killed inside the transaction: the rollback journal of the bulk load (decision 0150) is hot — it still holds
    // the originals of the pages the import had changed; a finished import leaves it empty.
    expect(statSync(`${db}-journal`, { throwIfNoEntry: false })?.size ?? 0).toBeGreaterThan(0);

    expect(await counts(db, number)).toEqual(before);
    // The database is whole: the same file takes a complete import afterwards.
    const again = spawn(
      process.execPath,
      ['--import', 'tsx', 'packages/cli/src/main.ts', 'import', 'members', '--insurer', KYOKAI_TOKYO, csv, '--db', db],
      { cwd: ROOT, stdio: 'ignore' },
    );
    const code = await new Promise<number | null>((done) =>
      again.on('exit', (c) => {
        done(c);
      }),
    );
    expect(code).toBe(0);
    const after = await counts(db, number);
    expect(after.members).toBe(before.members + ROWS);
    expect(after.linked).toBe(true);
  }, 600_000);
});
