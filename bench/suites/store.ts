/**
 * Store throughput on SQLite (issue 4, "Must show"):
 * - `seed_seconds`: `onshi seed` of ctx.people people into a fresh SQLite file (one transaction, decision 0086).
 * - `import_rows_per_s`: `onshi import members` of a ctx.people-row member CSV (generated first, not timed) into a
 *   fresh database holding the insurers — validation, store look-ups and writes in one transaction (decision 0085).
 * Targets: seed of 1M under 120 s; import at 20,000 rows/s or better.
 */
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FixedClock } from '@onshi/core';
import type { BenchContext } from '../run.js';
import { openContext } from '../../packages/cli/src/context.js';
import { importMembers } from '../../packages/cli/src/import/importMembers.js';
import { writeSampleMembersCsv } from '../../packages/cli/src/import/sampleMembers.js';
import { seedPopulation } from '../../packages/cli/src/seed/seedPopulation.js';

const AS_OF = '2026-04-01';
/** 協会けんぽ 東京支部. */
const INSURER = '01130012';

function freshDb(dir: string, name: string): string {
  mkdirSync(dir, { recursive: true });
  const db = join(dir, name);
  for (const suffix of ['', '-wal', '-shm', '.secrets.json', '.credentials.json']) {
    rmSync(`${db}${suffix}`, { force: true });
  }
  return db;
}

/** User + system CPU seconds since `from`, to tell a slow machine from a busy one. */
function cpuSeconds(from: NodeJS.CpuUsage): string {
  const d = process.cpuUsage(from);
  return ((d.user + d.system) / 1e6).toFixed(1);
}

/** Runs both measurements, printing progress as it goes. */
export async function run(ctx: BenchContext): Promise<void> {
  const dir = join(ctx.workDir, 'store');
  const clock = new FixedClock(`${AS_OF}T00:00:00Z`);

  const seedDb = freshDb(dir, 'seed.db');
  const seeded = await openContext(seedDb, clock);
  try {
    const started = performance.now();
    const cpu = process.cpuUsage();
    let nextReport = 100_000;
    await seedPopulation(seeded.store, {
      people: ctx.people,
      seed: 1,
      asOf: AS_OF,
      onProgress: (n) => {
        if (n >= nextReport) {
          console.log(`  seed: ${String(n)} people, ${((performance.now() - started) / 1000).toFixed(1)} s`);
          nextReport += 100_000;
        }
      },
    });
    ctx.record('seed_seconds', Number(((performance.now() - started) / 1000).toFixed(2)));
    console.log(
      `  seed: ${cpuSeconds(cpu)} s of CPU on this thread (the wall time above includes waiting for the CPU)`,
    );
  } finally {
    await seeded.store.close();
  }

  const csv = join(dir, 'members.csv');
  console.log(`  import: writing a ${String(ctx.people)}-row member CSV (not timed)…`);
  await writeSampleMembersCsv(csv, {
    rows: ctx.people,
    seed: 'bench',
    insurerNumber: INSURER,
    scheme: 'kyokai',
    acquiredOn: AS_OF,
    encoding: 'utf8',
  });
  console.log(`  import: ${(statSync(csv).size / 1e6).toFixed(0)} MB`);
  const importDb = freshDb(dir, 'import.db');
  const target = await openContext(importDb, clock);
  try {
    await seedPopulation(target.store, { people: 0, seed: 1, asOf: AS_OF });
    const started = performance.now();
    const cpu = process.cpuUsage();
    const result = await importMembers(target, {
      insurerNumber: INSURER,
      file: csv,
      encoding: 'utf8',
      rejectsPath: join(dir, 'members.rejects.csv'),
      onProgress: (p) => {
        if (p.rows % 100_000 === 0 && p.rows > 0) {
          console.log(`  import: ${String(p.rows)} rows, ${((performance.now() - started) / 1000).toFixed(1)} s`);
        }
      },
    });
    const seconds = (performance.now() - started) / 1000;
    if (!result.committed) {
      throw new Error(
        `the benchmark CSV was refused: ${String(result.rejects)} rejects in ${result.rejectsPath ?? '?'}`,
      );
    }
    ctx.record('import_rows_per_s', Math.round(result.rows / seconds));
    console.log(`  import: ${cpuSeconds(cpu)} s of CPU for ${String(result.rows)} rows`);
  } finally {
    await target.store.close();
  }
}
