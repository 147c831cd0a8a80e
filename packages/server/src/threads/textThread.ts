/**
 * A stream of texts made on a worker thread (the seed's population batches, the import's prepared chunks; decisions
 * 0125, 0151): the thread produces while the caller writes, at most `maxAhead` texts ahead of what the caller took.
 * The thread's module is TypeScript, started through tsWorker.mjs (a worker does not inherit the parent's loader).
 */
import { parentPort, Worker, workerData } from 'node:worker_threads';

/** What the thread posts: a text, the end, or a failure (raised on the caller's side). */
type TextMessage = { kind: 'text'; text: string } | { kind: 'done' } | { kind: 'failed'; message: string };

function isTextMessage(value: unknown): value is TextMessage {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const kind: unknown = Reflect.get(value, 'kind');
  return (
    kind === 'done' ||
    (kind === 'text' && typeof Reflect.get(value, 'text') === 'string') ||
    (kind === 'failed' && typeof Reflect.get(value, 'message') === 'string')
  );
}

/**
 * Starts `entry` (a module that calls `serveTexts`) on a worker thread with `options` and yields its texts in order.
 * Throws the thread's failure; terminates the thread when the caller stops early, fails or is done.
 */
export async function* textsFromThread(
  entry: URL,
  options: unknown,
  settings: { maxAhead: number; label: string },
): AsyncGenerator<string> {
  const worker = new Worker(new URL('./tsWorker.mjs', import.meta.url), {
    workerData: { entry: entry.href, options, maxAhead: settings.maxAhead },
    execArgv: [],
  });
  const queue: TextMessage[] = [];
  const state: { failure: Error | null } = { failure: null };
  let wake: (() => void) | null = null;
  const notify = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  worker.on('message', (message: unknown) => {
    if (isTextMessage(message)) {
      queue.push(message);
    } else {
      state.failure = new Error(`the ${settings.label} sent an unknown message`);
    }
    notify();
  });
  worker.on('error', (error) => {
    state.failure ??= error;
    notify();
  });
  worker.on('exit', (code) => {
    state.failure ??= new Error(`the ${settings.label} stopped (exit code ${String(code)}) before it finished`);
    notify();
  });
  try {
    for (;;) {
      const next = queue.shift();
      if (next === undefined) {
        if (state.failure !== null) {
          throw state.failure;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        continue;
      }
      if (next.kind === 'done') {
        return;
      }
      if (next.kind === 'failed') {
        throw new Error(next.message);
      }
      worker.postMessage('ack');
      yield next.text;
    }
  } finally {
    worker.removeAllListeners();
    await worker.terminate();
  }
}

/**
 * The thread's side: checks the options it was started with, posts each text `produce` makes (never more than
 * `maxAhead` ahead of the caller's acknowledgements), then the end. A failure is posted as a message rather than
 * crashing the thread.
 */
export async function serveTexts<O>(
  isOptions: (value: unknown) => value is O,
  produce: (options: O) => Iterable<string> | AsyncIterable<string>,
): Promise<void> {
  const port = parentPort;
  const data: unknown = workerData;
  if (port === null || typeof data !== 'object' || data === null) {
    throw new Error('serveTexts runs on a worker thread started by textsFromThread');
  }
  const options: unknown = Reflect.get(data, 'options');
  const maxAhead: unknown = Reflect.get(data, 'maxAhead');
  if (!isOptions(options) || typeof maxAhead !== 'number') {
    throw new Error('serveTexts: bad workerData');
  }
  let ahead = 0;
  let wake: (() => void) | null = null;
  port.on('message', () => {
    ahead -= 1;
    const w = wake;
    wake = null;
    w?.();
  });
  const send = (message: TextMessage): void => {
    port.postMessage(message);
  };
  try {
    for await (const text of produce(options)) {
      while (ahead >= maxAhead) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
      ahead += 1;
      send({ kind: 'text', text });
    }
    send({ kind: 'done' });
  } catch (error) {
    send({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
  // Without a listener the port no longer keeps the thread alive: it ends once the message is out.
  port.removeAllListeners('message');
}
