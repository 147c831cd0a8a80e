/**
 * The seed's generator thread (batches.ts `workerBatches`): posts each batch of `encodedBatches` as it is made,
 * through @onshi/server's threads/textThread.ts `serveTexts`.
 */
import { serveTexts } from '@onshi/server/threads/textThread';
import { encodedBatches, type BatchOptions } from './batches.js';

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

await serveTexts(isBatchOptions, encodedBatches);
