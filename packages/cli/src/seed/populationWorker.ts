/**
 * The seed's generator thread (batches.ts `workerBatches`): posts each batch of `encodedBatches` as it is made,
 * never more than `maxAhead` ahead of the acknowledgements, then 'done'.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { encodedBatches, type BatchOptions, type WorkerMessage } from './batches.js';

function isBatchOptions(v: unknown): v is BatchOptions {
  if (typeof v !== 'object' || v === null) {
    return false;
  }
  const seed: unknown = Reflect.get(v, 'seed');
  return (
    typeof Reflect.get(v, 'people') === 'number' &&
    (typeof seed === 'number' || typeof seed === 'string') &&
    typeof Reflect.get(v, 'asOf') === 'string' &&
    typeof Reflect.get(v, 'batchPeople') === 'number'
  );
}

async function main(): Promise<void> {
  const port = parentPort;
  const data: unknown = workerData;
  if (port === null || typeof data !== 'object' || data === null) {
    throw new Error('populationWorker.ts runs as a worker thread');
  }
  const options: unknown = Reflect.get(data, 'options');
  const maxAhead: unknown = Reflect.get(data, 'maxAhead');
  if (!isBatchOptions(options) || typeof maxAhead !== 'number') {
    throw new Error('populationWorker.ts: bad workerData');
  }
  let ahead = 0;
  let wake: (() => void) | null = null;
  port.on('message', () => {
    ahead -= 1;
    const w = wake;
    wake = null;
    w?.();
  });
  const send = (message: WorkerMessage): void => {
    port.postMessage(message);
  };
  for (const text of encodedBatches(options)) {
    while (ahead >= maxAhead) {
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    ahead += 1;
    send({ kind: 'batch', text });
  }
  send({ kind: 'done' });
  // Without a listener the port no longer keeps the thread alive: it ends once the message is out.
  port.removeAllListeners('message');
}

await main();
