/** The shared Store suite on SQLite: a fresh database file per test in a temp directory. */
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore } from './index.js';
import { registerStoreContract, TEST_INDIVIDUAL_NUMBER_KEY } from './store.contract.js';

registerStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onshi-store-'));
  const path = join(dir, 'onshi.db');
  const open = () => createStore({ kind: 'sqlite', path }, { individualNumberKey: TEST_INDIVIDUAL_NUMBER_KEY });
  return {
    store: await open(),
    reopen: open,
    rawBytes: () => {
      // The main file and the write-ahead log together hold every byte SQLite has written.
      const parts = [path, `${path}-wal`].filter((p) => existsSync(p)).map((p) => readFileSync(p));
      return Promise.resolve(Buffer.concat(parts));
    },
    dispose: () => {
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
});
