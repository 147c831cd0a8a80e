/**
 * Reads of the member read model on a thread of their own (decision 0173). Under the bench's load a confirmation by
 * number's primary-key read of its member row cost the event loop 12 µs (4 µs in a quiet loop: the rest of a request
 * evicts SQLite's pages from the core's caches), and the event loop was the bottleneck while a quarter of the machine
 * was idle. Here the reads that arrive in one turn of the event loop go to a reader thread in one message and come back
 * in one, read in one read transaction of the thread's own read-only connection: a snapshot taken after every
 * commit that came before the reads were asked, so a reader sees what was written before it asked.
 *
 * Only reads outside a transaction come here (a transaction must see its own uncommitted writes: the store reads
 * those on its connection). Whenever the thread is not running — not started yet, failed, closed — `read` answers
 * undefined and the caller reads on its own connection as before; a failure mid-flight answers undefined to every
 * read it held. No read is lost and none answers from anything but the database.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { MEMBER_SNAPSHOT_SQL } from '../sql/memberReadModel.js';
import type { ReadModelReaderOptions, ReadModelReaderStatus } from '../types.js';

/** Reads per message at most (a burst is split, so no message grows without bound). */
const MAX_BATCH = 256;

/** Reads on the app's own connection before the thread starts (a short-lived process or a test never starts it). */
const START_AFTER = 200;

/**
 * The reader thread: CommonJS, run with `eval`, so it starts in milliseconds. Its connection is read-only, maps the
 * file like the app's connection, and reads each batch in one read transaction (one snapshot, one WAL lock).
 */
const READER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { readonly: true, fileMustExist: true });
db.pragma('mmap_size = ' + String(workerData.mmapBytes));
db.pragma('busy_timeout = 5000');
const member = db.prepare(workerData.memberSql).pluck();
const readAll = db.transaction((keys) => keys.map((key) => {
  const value = member.get(key);
  return typeof value === 'string' ? value : null;
}));
parentPort.on('message', (m) => {
  try {
    parentPort.postMessage({ batch: m.batch, payloads: readAll(m.reads) });
  } catch (error) {
    parentPort.postMessage({ batch: m.batch, failed: String(error && error.message ? error.message : error) });
  }
});
`;

interface Pending {
  key: string;
  /** The row's payload, null when there is none, undefined when the caller must read it itself. */
  resolve: (payload: string | null | undefined) => void;
}

/** What the store asks of the reader. */
export interface ReadModelReaderPort {
  /**
   * A member key's row of the member read model (its payload, or null when it has none), read on the thread;
   * undefined when the thread is not running, and then the caller reads on its own connection.
   */
  read(key: string): Promise<string | null | undefined> | undefined;
  status(): ReadModelReaderStatus;
  close(): Promise<void>;
}

/** Batches read-model reads to a reader thread of a SQLite file (started after `startAfter` reads). */
export class ReadModelReader implements ReadModelReaderPort {
  private worker: Worker | undefined;
  private failed = false;
  private closed = false;
  private asked = 0;
  private queue: Pending[] = [];
  private scheduled = false;
  private nextBatch = 0;
  private readonly sent = new Map<number, Pending[]>();
  private readonly counts = { batches: 0, reads: 0 };
  private readonly startAfter: number;

  constructor(
    private readonly dbPath: string,
    private readonly mmapBytes: number,
    private readonly options: ReadModelReaderOptions = {},
  ) {
    this.startAfter = options.startAfter ?? START_AFTER;
  }

  read(key: string): Promise<string | null | undefined> | undefined {
    if (this.failed || this.closed) {
      return undefined;
    }
    if (this.worker === undefined) {
      this.asked += 1;
      if (this.asked <= this.startAfter || this.thread() === undefined) {
        return undefined;
      }
    }
    return new Promise((resolve) => {
      this.queue.push({ key, resolve });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.flush();
        });
      }
    });
  }

  status(): ReadModelReaderStatus {
    return { running: this.worker !== undefined && !this.failed, ...this.counts };
  }

  /** Stops the thread; reads waiting for it answer undefined (their callers read for themselves). */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    this.release();
    if (worker !== undefined) {
      worker.removeAllListeners();
      await worker.terminate();
    }
  }

  private flush(): void {
    this.scheduled = false;
    const worker = this.worker;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      if (worker === undefined) {
        for (const p of batch) {
          p.resolve(undefined);
        }
        continue;
      }
      const id = this.nextBatch++;
      this.sent.set(id, batch);
      this.counts.batches += 1;
      this.counts.reads += batch.length;
      worker.ref();
      worker.postMessage({ batch: id, reads: batch.map((p) => p.key) });
    }
  }

  private thread(): Worker | undefined {
    if (this.worker !== undefined) {
      return this.worker;
    }
    try {
      const worker = new Worker(READER_SOURCE, {
        eval: true,
        workerData: {
          path: this.dbPath,
          driver: createRequire(import.meta.url).resolve('better-sqlite3'),
          mmapBytes: this.mmapBytes,
          memberSql: MEMBER_SNAPSHOT_SQL,
        },
      });
      worker.on('message', (message: unknown) => {
        this.answered(message);
      });
      worker.on('error', (error) => {
        this.fail(`the read model reader failed: ${error.message}`);
      });
      worker.on('exit', (code) => {
        if (this.worker === worker) {
          this.fail(`the read model reader stopped (exit code ${String(code)})`);
        }
      });
      // After the listeners (adding one refs the worker again): an idle thread keeps no process alive; while reads
      // are out (`flush`) it is referenced, so a process waiting for their answers does not end.
      worker.unref();
      this.worker = worker;
      return worker;
    } catch (error) {
      this.fail(`the read model reader did not start: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  private answered(message: unknown): void {
    if (typeof message !== 'object' || message === null) {
      return;
    }
    const batch: unknown = Reflect.get(message, 'batch');
    const pending = typeof batch === 'number' ? this.sent.get(batch) : undefined;
    if (pending === undefined) {
      return;
    }
    this.sent.delete(batch as number);
    if (this.sent.size === 0) {
      this.worker?.unref();
    }
    const payloads: unknown = Reflect.get(message, 'payloads');
    pending.forEach((p, i) => {
      const payload: unknown = Array.isArray(payloads) ? payloads[i] : undefined;
      // Anything but a string or null (a failed batch) sends the caller to its own connection.
      p.resolve(typeof payload === 'string' || payload === null ? payload : undefined);
    });
  }

  /** The thread is gone: what it held and every later read go to the callers' connections. */
  private fail(message: string): void {
    if (this.failed) {
      return;
    }
    this.failed = true;
    this.worker = undefined;
    this.release();
    if (this.options.onProblem !== undefined) {
      this.options.onProblem(message);
    } else {
      process.emitWarning(message, 'OnshiReadModelReader');
    }
  }

  private release(): void {
    const pending = [...this.sent.values()].flat().concat(this.queue);
    this.sent.clear();
    this.queue = [];
    for (const p of pending) {
      p.resolve(undefined);
    }
  }
}
