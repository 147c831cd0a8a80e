/**
 * The member import's reading thread (preparedRows.ts `workerChunks`, decision 0151): posts each chunk of
 * `preparedChunks` as JSON text through threads/textThread.ts `serveTexts`.
 */
import { serveTexts } from '../../../threads/textThread.js';
import { preparedChunks, type PrepareOptions } from './preparedRows.js';

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

await serveTexts(isPrepareOptions, async function* (options) {
  for await (const chunk of preparedChunks(options)) {
    yield JSON.stringify(chunk);
  }
});
