/**
 * The simulated year of the stats bench in a process of its own, so its peak memory is the simulation's alone
 * (not the bench runner's, which has held earlier suites' databases and servers).
 *
 * `node --import tsx bench/load/simulateYear.ts <db> <from> <to> <asOf>` prints progress lines, then one JSON line
 * (`SimulateYearResult`) and exits.
 */
import { FixedClock } from '@onshi/core';
import { openContext } from '../../packages/cli/src/context.js';
import { simulate, type SimulationCounts } from '../../packages/server/src/simulation/simulate.js';

/** What one run measured. */
export interface SimulateYearResult {
  seconds: number;
  /** Peak resident set of this process (MB), from the kernel's high-water mark. */
  peakMb: number;
  counts: SimulationCounts;
}

const [db, from, to, asOf] = process.argv.slice(2);
if (db === undefined || from === undefined || to === undefined || asOf === undefined) {
  throw new Error('usage: simulateYear.ts <db> <from> <to> <asOf>');
}
const ctx = await openContext(db, new FixedClock(`${asOf}T00:00:00Z`));
try {
  const started = performance.now();
  let nextReport = 100_000;
  const counts = await simulate(ctx.store, {
    from,
    to,
    seed: 1,
    onProgress: (done) => {
      if (done >= nextReport) {
        console.log(`  simulate: ${String(done)} people, ${((performance.now() - started) / 1000).toFixed(1)} s`);
        nextReport += 100_000;
      }
    },
  });
  const result: SimulateYearResult = {
    seconds: (performance.now() - started) / 1000,
    peakMb: Math.round((process.resourceUsage().maxRSS * 1024) / 1e6),
    counts,
  };
  console.log(JSON.stringify(result));
} finally {
  await ctx.store.close();
}
