/**
 * The check journal's move thread (decision 0168; started by CheckJournal through tsWorker.mjs, since the move uses
 * the store's own row mapping, statistics and hash chain): about once a second, or when asked to settle, moves the
 * journal into the database on a connection it opens for the move and closes after it (so a bulk load of the app
 * can still take the file to itself). The append side is a small CommonJS thread of its own (checkJournal.ts).
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { moveJournaledChecks, MOVE_CHUNK, openJournalFile } from './checkJournal.js';
import { openSqlite } from './database.js';

interface ThreadData {
  dbPath: string;
  journalPath: string;
  moveIntervalMs: number;
}

/**
 * Moving yields to requests: on Linux this thread runs at nice 10 (a thread's id is accepted where a process's is);
 * elsewhere it keeps the process's priority (decision 0170).
 */
function lowerThreadPriority(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) {
      setPriority(tid, 10);
    }
  } catch {
    // Not Linux, or not allowed: the default priority.
  }
}

function threadData(value: unknown): ThreadData {
  if (typeof value !== 'object' || value === null) {
    throw new Error('the check journal thread needs its settings');
  }
  const dbPath: unknown = Reflect.get(value, 'dbPath');
  const journalPath: unknown = Reflect.get(value, 'journalPath');
  const moveIntervalMs: unknown = Reflect.get(value, 'moveIntervalMs');
  if (typeof dbPath !== 'string' || typeof journalPath !== 'string' || typeof moveIntervalMs !== 'number') {
    throw new Error('the check journal thread needs dbPath, journalPath and moveIntervalMs');
  }
  return { dbPath, journalPath, moveIntervalMs };
}

const port = parentPort;
if (port === null) {
  throw new Error('checkJournalThread runs on a worker thread');
}
const settings = threadData(workerData);
lowerThreadPriority();
const file = openJournalFile(settings.journalPath);

/** Settle requests waiting for the move in progress to finish (and one more pass). */
let settleIds: number[] = [];
let moving = false;
let timer: NodeJS.Timeout | undefined;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One pass: moves chunk by chunk until the journal is empty, yielding between chunks. Reports what it moved. */
async function movePass(): Promise<void> {
  const main = openSqlite(settings.dbPath, { background: false });
  let moved = 0;
  try {
    for (;;) {
      const count = await moveJournaledChecks(main, file, MOVE_CHUNK);
      moved += count;
      if (count < MOVE_CHUNK) {
        return;
      }
      // Between chunks, a settle or stop request gets in.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    await main.close();
    if (moved > 0) {
      port?.postMessage({ kind: 'moved', count: moved });
    }
  }
}

async function move(): Promise<void> {
  if (moving) {
    return;
  }
  moving = true;
  clearTimeout(timer);
  try {
    // Settles asked for during a pass get one more pass, which sees every check appended before they asked.
    do {
      const ids = settleIds;
      settleIds = [];
      let failure: string | null = null;
      try {
        await movePass();
      } catch (error) {
        failure = message(error);
        // A database busy for longer than the busy timeout (a bulk import holds it) is not a fault: the next pass
        // moves what waits. Anything else is reported.
        const busy = typeof error === 'object' && error !== null && Reflect.get(error, 'code') === 'SQLITE_BUSY';
        if (ids.length === 0 && !busy) {
          port?.postMessage({ kind: 'moveFailed', message: failure });
        }
      }
      for (const id of ids) {
        port?.postMessage({ kind: 'settled', id, message: failure });
      }
    } while (settleIds.length > 0);
  } finally {
    moving = false;
    timer = setTimeout(() => void move(), settings.moveIntervalMs);
  }
}

port.on('message', (value: unknown) => {
  if (typeof value !== 'object' || value === null) {
    return;
  }
  if (Reflect.get(value, 'kind') === 'settle') {
    settleIds.push(Number(Reflect.get(value, 'id')));
    void move();
  }
});

timer = setTimeout(() => void move(), settings.moveIntervalMs);
