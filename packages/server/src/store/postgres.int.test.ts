/**
 * The shared Store suite on a real PostgreSQL: a throw-away cluster (testing/postgres.ts) for this file and a fresh
 * database per test. Without PostgreSQL installed, startPostgres throws and the suite fails — it is never skipped.
 */
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { startPostgres, type TestPostgres } from '../testing/postgres.js';
import { createStore } from './index.js';
import { registerStoreContract, TEST_INDIVIDUAL_NUMBER_KEY } from './store.contract.js';

let cluster: TestPostgres;
let counter = 0;

beforeAll(async () => {
  cluster = await startPostgres();
});
afterAll(async () => {
  await cluster.stop();
});

/** Every row of every table, as text. */
async function dump(url: string): Promise<Buffer> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    );
    const parts: string[] = [];
    for (const { tablename } of tables.rows) {
      const rows = await client.query<{ t: string }>(`SELECT t::text AS t FROM "${tablename}" t`);
      parts.push(...rows.rows.map((r) => r.t));
    }
    return Buffer.from(parts.join('\n'));
  } finally {
    await client.end();
  }
}

registerStoreContract('postgres', async () => {
  counter += 1;
  const url = await cluster.createDatabase(`store_${process.pid}_${counter}`);
  const open = () =>
    createStore({ kind: 'postgres', url }, { individualNumberKey: TEST_INDIVIDUAL_NUMBER_KEY, poolSize: 4 });
  return {
    store: await open(),
    reopen: open,
    rawBytes: () => dump(url),
    dispose: () => Promise.resolve(),
  };
});
