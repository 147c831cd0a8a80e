import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqlDatabase } from '../sql/database.js';
import { openSqlite } from './database.js';

let dir: string;
let path: string;
let db: SqlDatabase;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'onshi-sqlite-'));
  path = join(dir, 'test.db');
  db = openSqlite(path);
  await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
});
afterEach(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SQLite connection sharing (decisions 0041, 0130, 0131)', () => {
  it('a statement issued while a transaction is open runs after its COMMIT, never inside it (decision 0041)', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tx = db.transaction(async (ex) => {
      await ex.run('INSERT INTO t (id, v) VALUES (1, ?)', ['in tx']);
      await held;
      await ex.run('INSERT INTO t (id, v) VALUES (2, ?)', ['in tx']);
    });
    let outsideDone = false;
    const outside = db.run('INSERT INTO t (id, v) VALUES (3, ?)', ['outside']).then((changes) => {
      outsideDone = true;
      return changes;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(outsideDone).toBe(false);
    release();
    await tx;
    expect(await outside).toBe(1);
    expect((await db.all('SELECT id FROM t ORDER BY id')).map((r) => r.id)).toEqual([1, 2, 3]);
  });

  it('a rolled-back transaction takes none of the statements issued outside it with it (decision 0041)', async () => {
    const tx = db.transaction(async (ex) => {
      await ex.run('INSERT INTO t (id, v) VALUES (1, ?)', ['in tx']);
      await new Promise((resolve) => setImmediate(resolve));
      throw new Error('command failed');
    });
    const outside = db.run('INSERT INTO t (id, v) VALUES (2, ?)', ['outside']);
    await expect(tx).rejects.toThrow('command failed');
    await outside;
    expect((await db.all('SELECT id FROM t')).map((r) => r.id)).toEqual([2]);
  });

  it('with no transaction open a statement runs at once, before its promise is awaited (decision 0130)', async () => {
    const pending = db.run('INSERT INTO t (id, v) VALUES (1, ?)', ['now']);
    const other = new Database(path, { readonly: true });
    try {
      expect(other.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 1 });
    } finally {
      other.close();
    }
    expect(await pending).toBe(1);
  });

  it('a failing statement outside a transaction rejects its promise (never a synchronous throw)', async () => {
    await db.run('INSERT INTO t (id, v) VALUES (1, ?)', ['a']);
    const duplicate = db.run('INSERT INTO t (id, v) VALUES (1, ?)', ['b']);
    await expect(duplicate).rejects.toThrow(/UNIQUE/);
  });

  it('a file written to steadily is checkpointed in the background and closes cleanly with every row (decision 0131)', async () => {
    for (let i = 1; i <= 400; i += 1) {
      await db.transaction((ex) => ex.run('INSERT INTO t (id, v) VALUES (?, ?)', [i, `row ${String(i)}`]));
    }
    await db.run('INSERT INTO t (id, v) VALUES (401, ?)', ['last']);
    await db.close();
    expect(existsSync(`${path}-wal`)).toBe(false);
    const reopened = new Database(path, { readonly: true });
    try {
      expect(reopened.prepare('SELECT COUNT(*) AS n, MAX(id) AS last FROM t').get()).toEqual({ n: 401, last: 401 });
    } finally {
      reopened.close();
    }
    db = openSqlite(path);
  });
});
