/** The member read model read on a thread of their own (decision 0173): the same answers, fewer event-loop reads. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore } from '../index.js';
import { sampleCertificate, samplePerson, sampleQualification, TEST_INDIVIDUAL_NUMBER_KEY } from '../store.contract.js';
import type { Store } from '../types.js';
import { MMAP_BYTES } from './database.js';
import { ReadModelReader } from './readModelReader.js';

const dirs: string[] = [];
const stores: Store[] = [];
const readers: ReadModelReader[] = [];

afterEach(async () => {
  await Promise.all(readers.splice(0).map((r) => r.close()));
  await Promise.all(stores.splice(0).map((s) => s.close()));
  for (const dir of dirs.splice(0)) {
    rmSync(dir, { recursive: true, force: true });
  }
});

function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'onshi-reader-'));
  dirs.push(dir);
  return join(dir, 'onshi.db');
}

const key = (number: string) => ({ insurerNumber: '01130012', symbol: '1234', number, branch: '01' });

/** A file store with the reader thread from the first read, and `count` members whose rows are stored. */
async function storeWithMembers(count: number): Promise<{ store: Store; path: string; problems: string[] }> {
  const path = tempPath();
  const problems: string[] = [];
  const store = await createStore(
    { kind: 'sqlite', path },
    {
      individualNumberKey: TEST_INDIVIDUAL_NUMBER_KEY,
      readModelReader: { startAfter: 0, onProblem: (m) => problems.push(m) },
    },
  );
  stores.push(store);
  for (let i = 0; i < count; i += 1) {
    const id = `p${String(i)}`;
    await store.persons.insert(samplePerson(id));
    await store.qualifications.insert(sampleQualification(id, { number: String(1000 + i) }));
  }
  await store.certificates.insert(sampleCertificate('0a1b2c', 'c1'), 'p0', '2024-01-15T00:00:00.000Z');
  // Build every row (a miss builds it; the next write transaction stores it).
  await Promise.all(
    Array.from({ length: count }, (_, i) => store.qualifications.memberRecordsByKey(key(String(1000 + i)))),
  );
  await store.certificates.cardPathBySerial(['0a1b2c'], '2025-01-10');
  await store.transaction(() => Promise.resolve());
  return { store, path, problems };
}

describe('member read-model reads on the reader thread', () => {
  it('answers a turn’s reads in one message, as the tables say', async () => {
    const { store, problems } = await storeWithMembers(20);
    const before = store.readModelReader?.status();
    const records = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.qualifications.memberRecordsByKey(key(String(1000 + i)))),
    );
    const after = store.readModelReader?.status();
    expect(after?.running).toBe(true);
    // Twenty reads of one turn: one message.
    expect((after?.reads ?? 0) - (before?.reads ?? 0)).toBe(20);
    expect((after?.batches ?? 0) - (before?.batches ?? 0)).toBe(1);
    // The same records a transaction reads on the store's own connection.
    const inTx = await store.transaction(async (tx) =>
      Promise.all(Array.from({ length: 20 }, (_, i) => tx.qualifications.memberRecordsByKey(key(String(1000 + i))))),
    );
    expect(records).toEqual(inTx);
    expect(records.map((r) => r[0]?.person.id)).toEqual(Array.from({ length: 20 }, (_, i) => `p${String(i)}`));
    // A card check reads on the store's connection (measured faster for card checks).
    const path = await store.certificates.cardPathBySerial(['0a1b2c'], '2025-01-10');
    expect(path?.personId).toBe('p0');
    expect(path?.memberKeys).toEqual([records[0]?.[0]?.qualification.memberKey]);
    expect(await store.qualifications.memberRecordsOfPerson('p0', path?.memberKeys)).toEqual(records[0]);
    expect(store.readModelReader?.status().reads).toBe(after?.reads);
    expect(problems).toEqual([]);
  });

  it('sees what was committed before the read was asked', async () => {
    // (The member row through the thread; the card row on the store's connection.)
    const { store } = await storeWithMembers(1);
    const reference = {
      institutionCode: '1311111111',
      referenceNumber: 'K-1',
      personId: 'p0',
      qualificationId: null,
      registeredAt: '2025-03-01T00:00:00.000Z',
    };
    await store.referenceNumbers.register(reference);
    const [record] = await store.qualifications.memberRecordsByKey(key('1000'));
    expect(record?.referenceNumbers).toEqual([reference]);
    await store.certificates.revoke('0a1b2c', '2025-02-01T00:00:00.000Z', 'keyCompromise');
    expect((await store.certificates.cardPathBySerial(['0a1b2c'], '2025-03-01'))?.certificate.revokedAt).toBe(
      '2025-02-01T00:00:00.000Z',
    );
  });

  it('leaves a transaction’s reads on its own connection, which sees its uncommitted writes', async () => {
    const { store } = await storeWithMembers(1);
    const seen = await store.transaction(async (tx) => {
      await tx.referenceNumbers.register({
        institutionCode: '1311111111',
        referenceNumber: 'K-2',
        personId: 'p0',
        qualificationId: null,
        registeredAt: '2025-03-01T00:00:00.000Z',
      });
      const [record] = await tx.qualifications.memberRecordsByKey(key('1000'));
      return record?.referenceNumbers.map((r) => r.referenceNumber);
    });
    expect(seen).toEqual(['K-2']);
  });

  it('sends every read back to the caller’s connection when the thread cannot run, and says why once', async () => {
    const problems: string[] = [];
    const reader = new ReadModelReader(join(tempPath(), 'missing.db'), MMAP_BYTES, {
      startAfter: 0,
      onProblem: (m) => problems.push(m),
    });
    readers.push(reader);
    const first = await Promise.all([reader.read('a'), reader.read('b')]);
    expect(first).toEqual([undefined, undefined]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(reader.read('a')).toBeUndefined();
    expect(problems).toHaveLength(1);
    expect(reader.status().running).toBe(false);
  });

  it('answers reads in flight when closed (their callers read for themselves), and none after', async () => {
    const { path } = await storeWithMembers(1);
    const reader = new ReadModelReader(path, MMAP_BYTES, { startAfter: 0 });
    readers.push(reader);
    expect(typeof (await reader.read('01130012:1234:1000:01'))).toBe('string');
    expect(await reader.read('no such key')).toBeNull();
    const inFlight = reader.read('01130012:1234:1000:01');
    await new Promise((resolve) => setImmediate(resolve));
    await reader.close();
    expect(await inFlight).toBeUndefined();
    expect(reader.read('01130012:1234:1000:01')).toBeUndefined();
  });

  it('keeps a process alive while reads are out, and not after: a script ends once it has its answer', async () => {
    const { path } = await storeWithMembers(1);
    const script = join(tempPath(), '..', 'one-read.mts');
    const module = fileURLToPath(new URL('./readModelReader.ts', import.meta.url));
    writeFileSync(
      script,
      [
        `import { ReadModelReader } from ${JSON.stringify(module)};`,
        `const reader = new ReadModelReader(${JSON.stringify(path)}, 1 << 20, { startAfter: 0 });`,
        "const payload = await reader.read('01130012:1234:1000:01');",
        "process.stdout.write(typeof payload === 'string' ? 'read' : String(payload));",
      ].join('\n'),
    );
    const outcome = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = execFile(process.execPath, ['--import', 'tsx', script], { timeout: 20_000 }, (_e, out) => {
        resolve({ code: child.exitCode, out });
      });
    });
    // Exit code 13 would be a top-level await the process ended without; a timeout, a thread that kept it alive.
    expect(outcome).toEqual({ code: 0, out: 'read' });
  });
});
