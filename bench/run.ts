/**
 * `npm run bench [-- --people N] [--only name,name]`: runs every suite in bench/suites/ (alphabetical), prints
 * each figure as it is measured, and writes all figures to bench/results.json with the CPU count and date.
 * A suite is a module exporting `run(ctx): Promise<void>` that calls `ctx.record(name, value)`.
 */
import { readdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/** What a suite receives. */
export interface BenchContext {
  /** Population size to measure at (default 1,000,000). */
  people: number;
  /** A scratch folder for databases and files, removed by nobody (under .tmp/bench). */
  workDir: string;
  /** Prints and stores one figure. */
  record(name: string, value: number): void;
  /** Figures recorded so far (suites may compute ratios from earlier ones). */
  results: Record<string, number>;
}

interface Suite {
  run(ctx: BenchContext): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: { people: { type: 'string', default: '1000000' }, only: { type: 'string' } },
});
const people = Number(values.people);
if (!Number.isInteger(people) || people < 1) {
  throw new Error(`--people must be a positive whole number, got ${values.people}`);
}
const only = values.only?.split(',');
const results: Record<string, number> = {};
const ctx: BenchContext = {
  people,
  workDir: join(here, '..', '.tmp', 'bench'),
  results,
  record(name, value) {
    results[name] = value;
    console.log(`${name}\t${value}`);
  },
};
const files = (await readdir(join(here, 'suites')).catch(() => [] as string[]))
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .sort();
for (const file of files) {
  const name = file.replace(/\.ts$/, '');
  if (only && !only.includes(name)) {
    continue;
  }
  console.log(`# ${name}`);
  const suite = (await import(pathToFileURL(join(here, 'suites', file)).href)) as Suite;
  await suite.run(ctx);
}
const out = { ...results, cpu_count: cpus().length, date: new Date().toISOString(), people };
await writeFile(join(here, 'results.json'), JSON.stringify(out, null, 2) + '\n');
console.log(`wrote bench/results.json (${Object.keys(results).length} figures)`);
// Every suite closes what it opened, so the process ends here. If something still holds it (a thread or port left
// referenced), say what and end anyway: a bench that never exits would hang CI and hide the leak.
setTimeout(() => {
  const handles = (process as unknown as { _getActiveHandles(): object[] })._getActiveHandles();
  console.log(
    `# bench: still running 10 s after the results, held by: ${handles.map((h) => h.constructor.name).join(', ')}`,
  );
  process.exit(1);
}, 10_000).unref();
