/**
 * The member import's reading thread (preparedRows.ts `workerChunks`, decision 0151): posts each chunk of
 * `preparedChunks` as JSON text, never more than `maxAhead` ahead of the writer's acknowledgements. A failure is
 * posted as a message (the writer raises it) rather than crashing the thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { preparedChunks, type ImportWorkerMessage, type PrepareOptions } from './preparedRows.js';

function isPrepareOptions(v: unknown): v is PrepareOptions {
  if (typeof v !== 'object' || v === null) {
    return false;
  }
  const encoding: unknown = Reflect.get(v, 'encoding');
  const insurer: unknown = Reflect.get(v, 'insurer');
  return (
    typeof Reflect.get(v, 'file') === 'string' &&
    (encoding === 'utf8' || encoding === 'sjis') &&
    typeof insurer === 'object' &&
    insurer !== null &&
    typeof Reflect.get(insurer, 'insurerNumber') === 'string' &&
    typeof Reflect.get(insurer, 'scheme') === 'string' &&
    typeof Reflect.get(v, 'chunkSize') === 'number' &&
    typeof Reflect.get(v, 'idBase') === 'string' &&
    typeof Reflect.get(v, 'recordedAt') === 'string'
  );
}

async function main(): Promise<void> {
  const port = parentPort;
  const data: unknown = workerData;
  if (port === null || typeof data !== 'object' || data === null) {
    throw new Error('importWorker.ts runs as a worker thread');
  }
  const options: unknown = Reflect.get(data, 'options');
  const maxAhead: unknown = Reflect.get(data, 'maxAhead');
  if (!isPrepareOptions(options) || typeof maxAhead !== 'number') {
    throw new Error('importWorker.ts: bad workerData');
  }
  let ahead = 0;
  let wake: (() => void) | null = null;
  port.on('message', () => {
    ahead -= 1;
    const w = wake;
    wake = null;
    w?.();
  });
  const send = (message: ImportWorkerMessage): void => {
    port.postMessage(message);
  };
  try {
    for await (const chunk of preparedChunks(options)) {
      while (ahead >= maxAhead) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
      ahead += 1;
      send({ kind: 'chunk', text: JSON.stringify(chunk) });
    }
  } catch (error) {
    send({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
  // Without a listener the port no longer keeps the thread alive: it ends once the message is out.
  port.removeAllListeners('message');
}

await main();
